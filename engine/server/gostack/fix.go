package gostack

import (
	"encoding/json"
	"slices"
	"strings"

	"corsplay/engine/server"
)

// What the fixes of echo-cors and gin-cors share: their options are the
// fields of a Go struct, decoded as encoding/json does.

// Key is the option's key as the options spell it (encoding/json matches
// a field's name case-insensitively), or name when it is not set.
func Key(m map[string]json.RawMessage, name string) string {
	if _, ok := m[name]; ok {
		return name
	}
	for k := range m {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return name
}

// Options are a call's options as a map, to decode.
func Options(opts []server.Opt) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	for _, o := range opts {
		m[o.Name] = o.Raw
	}
	return m
}

// Credentials is the edit that sets the bool field AllowCredentials,
// which title's middleware needs to send Access-Control-Allow-Credentials.
func Credentials(title string) func(*server.Edit, server.Need) {
	return func(e *server.Edit, n server.Need) {
		k := Key(e.M, "AllowCredentials")
		var on bool
		if e.Value(k, &on) && on {
			return
		}
		e.Set(k, true)
		e.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): `+title+" sends Access-Control-Allow-Credentials: true only with AllowCredentials: true.")
	}
}

// Missing are the names that list (as the middleware joins it into
// Access-Control-Allow-Headers) lacks, ignoring case and spaces; "*"
// stands for any name but Authorization in a request without cookies.
func Missing(list, names []string, credentials bool) []string {
	trimmed := make([]string, len(list))
	for i, s := range list {
		trimmed[i] = strings.TrimSpace(s)
	}
	star := !credentials && slices.Contains(trimmed, "*")
	var out []string
	for _, h := range server.MissingFold(trimmed, names) {
		if !star || strings.EqualFold(h, "Authorization") {
			out = append(out, h)
		}
	}
	return out
}

// HeadersNote notes that the missing request headers are added to field,
// with why.
func HeadersNote(e *server.Edit, missing []string, why string) {
	what := "the request header " + missing[0]
	if len(missing) > 1 {
		what = "the request headers " + server.AndList(missing)
	}
	e.Note(what, "", why)
}
