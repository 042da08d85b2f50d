//go:build !corsplaypage

package jub0bscors

import _ "embed"

//go:embed psl.txt
var pslFile string

// pslText is the list the command and the tests carry (psl.go).
func pslText() (string, error) { return pslFile, nil }
