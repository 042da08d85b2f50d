package engine

import "corsplay/engine/pattern"

// testMeter is a meter with the budget of one evaluation.
func testMeter() *pattern.Meter { return pattern.NewMeter(pattern.Budget) }
