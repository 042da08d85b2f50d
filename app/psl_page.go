//go:build corsplaypage

package app

import (
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine/server/jub0bscors"
)

// The page's build does not carry the Public Suffix List jub0bs/cors's
// emulation reads (29 KB of brotli): web/psl.js, a script the page loads
// beside app.wasm (and its service worker keeps offline), sets it as
// corsplayPSL (engine/server/jub0bscors/psl.go).
func init() {
	jub0bscors.PSL = func() (string, error) {
		v := app.Window().Get("corsplayPSL")
		if v.Type() != app.TypeString {
			return "", errors.New("the page's /web/psl.js has not loaded")
		}
		return v.String(), nil
	}
}
