//go:build corsplaypage

package jub0bscors

import "errors"

// PSL reads the list in the page's build (make wasm's -tags
// corsplaypage), which does not carry psl.txt: the app sets it to read the
// copy web/psl.js put in the page (psl.go).
var PSL func() (string, error)

func pslText() (string, error) {
	if PSL == nil {
		return "", errors.New("this build has no Public Suffix List (jub0bscors.PSL is not set)")
	}
	return PSL()
}
