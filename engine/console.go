package engine

import "corsplay/engine/console"

// consoleOf is the console of the profile's browser. The Fetch standard has
// none: its profile prints Chrome's texts.
func consoleOf(profile string) console.Browser {
	return console.Chrome
}
