package engine

// Fix is a change that makes a blocked request pass.
type Fix struct {
	Title string `json:"title"`
}

// Fixes returns the smallest changes that make the blocked scenario pass.
func Fixes(s Scenario, out Outcome) []Fix { return nil }
