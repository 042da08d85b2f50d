package engine

import "corsplay/engine/server/flaskcors/flaskfix"

// Flask-CORS 3.0.10's fixes are flaskfix's, which 6.0.2 (engine/server/
// flaskcors) shares, without 4.0.2's allow_private_network: 3.0.10 ignores
// it, so no misspelled option is renamed to it.
func init() {
	fx := *flaskfix.Fixer
	fx.Options = flaskfix.Names
	libraryFixers[flaskCORSName] = &fx
}
