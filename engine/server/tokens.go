package server

import "strings"

// IsToken: s is an RFC 9110 token (§5.6.2), one or more token characters.
func IsToken(s string) bool {
	return s != "" && strings.Trim(s, "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == ""
}
