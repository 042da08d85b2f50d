package server

import (
	"strconv"
	"unicode/utf8"
)

// Excerpt is what a reader's error quotes of a token: its start when it is
// long, with its size, so that a pasted 64 KB word does not bury the
// message.
func Excerpt(s string) string {
	const keep = 40
	if len(s) <= 2*keep {
		return s
	}
	cut := keep
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (" + strconv.Itoa(len(s)) + " bytes)"
}
