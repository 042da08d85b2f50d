package engine

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Relocate returns s moved onto other origins: its page origin becomes page
// (an opaque "null" page stays "null"), and its request URL's origin becomes
// api, or page when the URL was same-origin with the page. Every header value
// (request and raw responses), every origin entry of a policy and every
// string of a library's options that names either old origin is rewritten
// to name the new one: by plain replacement, and inside regular
// expressions (a policy's "re:" entries, a library's patterns, an nginx
// map's ~ keys) the regexp.QuoteMeta'd texts. The URL's
// user info, path, query and fragment are kept. s is not modified.
//
// page and api are serialized origins such as "http://127.0.0.1:8080". A
// request URL that is not an absolute URL with a host is left as it is (a
// fetch() that throws a TypeError throws it anywhere). others are the new
// origins of OtherOrigins, in its order: the servers elsewhere and the
// redirects' targets; an origin without one is left as it is.
//
// Text is rewritten where it names a whole old origin; patterns that only
// match it (https://*.example.com, a regular expression written with
// alternatives) are left as they are, so the moved scenario may not
// have the same outcome as s: evaluate the moved one.
func Relocate(s Scenario, page, api string, others ...string) Scenario {
	s = s.Clone()
	var pairs [][2]string // old, new
	for i, o := range s.OtherOrigins() {
		if i < len(others) {
			pairs = append(pairs, [2]string{o, others[i]})
		}
	}
	if s.Page != "null" {
		pairs = append(pairs, [2]string{s.Page, page})
	}
	if u, err := url.Parse(s.Request.URL); err == nil && u.IsAbs() && u.Host != "" && validPort(u) {
		target := OriginOf(u).String()
		targetNew := api
		if target == s.Page {
			targetNew = page
		}
		pairs = append(pairs, [2]string{target, targetNew})
		if nu, err := url.Parse(targetNew); err == nil {
			nu.User = u.User
			nu.Path, nu.RawPath = u.Path, u.RawPath
			nu.RawQuery, nu.ForceQuery = u.RawQuery, u.ForceQuery
			nu.Fragment, nu.RawFragment = u.Fragment, u.RawFragment
			s.Request.URL = nu.String()
		}
	}
	if s.Page != "null" {
		s.Page = page
	}
	r := newRelocator(pairs)
	for i := range s.Request.Headers {
		s.Request.Headers[i].Value = r.literal.Replace(s.Request.Headers[i].Value)
	}
	s.Server = r.server(s.Server)
	for i := range s.Elsewhere {
		s.Elsewhere[i].URL = r.literal.Replace(s.Elsewhere[i].URL)
		s.Elsewhere[i].Server = r.server(s.Elsewhere[i].Server)
	}
	return s
}

// OtherOrigins lists the origins s names besides its page's and its
// request URL's: those of its servers elsewhere, then those its raw
// servers redirect to, each once, in order.
func (s Scenario) OtherOrigins() []string {
	known := []string{s.Page}
	if u, err := url.Parse(s.Request.URL); err == nil && u.IsAbs() && u.Host != "" {
		known = append(known, OriginOf(u).String())
	}
	var out []string
	add := func(raw string) {
		u, err := url.Parse(raw)
		if err != nil || !u.IsAbs() || u.Host == "" || !validPort(u) {
			return
		}
		if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
			return
		}
		if o := OriginOf(u).String(); !slices.Contains(known, o) {
			known = append(known, o)
			out = append(out, o)
		}
	}
	for _, x := range s.Elsewhere {
		add(x.URL)
	}
	for _, srv := range append([]Server{s.Server}, elsewhereServers(s)...) {
		if srv.Raw != nil && srv.Raw.Actual != nil {
			if loc, ok := srv.Raw.Actual.Headers.Get("Location"); ok {
				add(loc)
			}
		}
	}
	return out
}

func elsewhereServers(s Scenario) []Server {
	var out []Server
	for _, x := range s.Elsewhere {
		out = append(out, x.Server)
	}
	return out
}

// server rewrites one server's origins (s is a clone: it is edited in
// place).
func (r relocator) server(s Server) Server {
	if raw := s.Raw; raw != nil {
		for _, resp := range []*Response{raw.Preflight, raw.Actual} {
			if resp == nil {
				continue
			}
			for i, h := range resp.Headers {
				if strings.EqualFold(h.Name, "Location") {
					resp.Headers[i].Value = r.location(h.Value)
				} else {
					resp.Headers[i].Value = r.literal.Replace(h.Value)
				}
			}
		}
	}
	if p := s.Policy; p != nil {
		for i, o := range p.Origins {
			if re, ok := strings.CutPrefix(o, "re:"); ok {
				p.Origins[i] = "re:" + r.quoted.Replace(re)
			} else {
				p.Origins[i] = r.literal.Replace(o)
			}
		}
	}
	if l := s.Library; l != nil {
		c := *l
		c.Options = r.libraryOptions(l.Options)
		s.Library = &c
	}
	return s
}

// location rewrites a Location URL's origin, keeping its user name and
// password (which sit inside the origin's text).
func (r relocator) location(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.User == nil || !u.IsAbs() {
		return r.literal.Replace(v)
	}
	user := u.User
	u.User = nil
	nu, err := url.Parse(r.literal.Replace(u.String()))
	if err != nil {
		return v
	}
	nu.User = user
	return nu.String()
}

// relocator rewrites old origins to new ones, in plain text (literal),
// inside regular expressions (quoted), and in text that may be either
// (either: an origin with no character to escape is taken as plain text).
type relocator struct {
	literal, quoted, either *strings.Replacer
}

func newRelocator(pairs [][2]string) relocator {
	// strings.Replacer tries its pairs in argument order at each position:
	// the longer old origin first, so that http://a.example:8080 is not
	// taken for http://a.example followed by :8080.
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i][0]) > len(pairs[j][0]) }) // not slices.SortStableFunc: see verified (fixes.go)
	var lit, quo, either []string
	for _, p := range pairs {
		if p[0] == "" {
			continue
		}
		lit = append(lit, p[0], p[1])
		quo = append(quo, regexp.QuoteMeta(p[0]), regexp.QuoteMeta(p[1]))
		either = append(either, p[0], p[1], regexp.QuoteMeta(p[0]), regexp.QuoteMeta(p[1]))
	}
	return relocator{strings.NewReplacer(lit...), strings.NewReplacer(quo...), strings.NewReplacer(either...)}
}

// libraryOptions rewrites the old origins in every string of a library's
// options (an nginx or Apache configuration is one): written out, or
// regexp.QuoteMeta'd inside a regular expression (the .'s escaped), with
// the new origin written the same way; option names and numbers stay byte
// for byte.
func (r relocator) libraryOptions(opts map[string]json.RawMessage) map[string]json.RawMessage {
	if opts == nil {
		return nil
	}
	out := make(map[string]json.RawMessage, len(opts))
	for k, v := range opts {
		out[k] = v
		if nr, err := rewriteJSONStrings(v, func(_ []string, s string) string { return r.either.Replace(s) }); err == nil {
			out[k] = nr
		}
	}
	return out
}

// rewriteJSONStrings returns raw with every string value (not object keys)
// replaced by fn(path, value), where path lists the object keys leading to
// it (array elements add nothing). Object key order, repeated keys and
// number literals are kept.
func rewriteJSONStrings(raw json.RawMessage, fn func(path []string, s string) string) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var buf bytes.Buffer
	var walk func(path []string) error
	walk = func(path []string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				buf.WriteByte('{')
				for first := true; dec.More(); first = false {
					kt, err := dec.Token()
					if err != nil {
						return err
					}
					k, _ := kt.(string)
					if !first {
						buf.WriteByte(',')
					}
					writeJSONString(&buf, k)
					buf.WriteByte(':')
					if err := walk(append(slices.Clip(path), k)); err != nil {
						return err
					}
				}
				if _, err := dec.Token(); err != nil {
					return err
				}
				buf.WriteByte('}')
			case '[':
				buf.WriteByte('[')
				for first := true; dec.More(); first = false {
					if !first {
						buf.WriteByte(',')
					}
					if err := walk(path); err != nil {
						return err
					}
				}
				if _, err := dec.Token(); err != nil {
					return err
				}
				buf.WriteByte(']')
			}
		case string:
			writeJSONString(&buf, fn(path, t))
		case json.Number:
			buf.WriteString(t.String())
		case bool:
			if t {
				buf.WriteString("true")
			} else {
				buf.WriteString("false")
			}
		case nil:
			buf.WriteString("null")
		}
		return nil
	}
	if err := walk(nil); err != nil {
		return raw, err
	}
	return buf.Bytes(), nil
}

func writeJSONString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s)
	buf.Write(b)
}
