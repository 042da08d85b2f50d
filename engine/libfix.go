package engine

import (
	"bytes"
	"corsplay/engine/server"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// Fixes for a library server speak the library: they change its own
// options, are verified by evaluating the emulation again, and show the
// user's call before and after in the library's language, one line per
// change saying why. Each library plugs in with a libraryFixer
// (libfix_*.go): how to allow, in its options, each thing a request needs,
// and how to print its call. What is generic lives here: what the request
// needs, applying the library's edits, keeping only the edits the request
// really needs, renaming misspelled options, and the code's literals.

// The types the libraries' fixers share (engine/server's).
type (
	libraryFixer = server.Fixer
	libNeed      = server.Need
	libOpt       = server.Opt
	libOptions   = server.Edit
)

// fixerOf is the library's fixer, nil when it has none.
func fixerOf(l *Library) *libraryFixer {
	if r := l.registered(); r != nil {
		return r.Fixer
	}
	return nil
}

// libStep is one thing the request needs, as an edit of the options.
type libStep struct {
	edit func(o *libOptions, n libNeed)
	// upcase: the step also writes the request's method in upper case.
	upcase bool
}

// libNeedOf reads what the blocked request needs off its outcome. When
// the library refused its configuration nothing was sent: the request is
// then sent to a server that answers nothing, to see what the browser
// asks.
func libNeedOf(s Scenario, out Outcome) libNeed {
	if out.ConfigError != "" {
		sc := s
		sc.Server = Server{Raw: &RawServer{}}
		out = evaluate(sc)
	}
	n := libNeed{Page: s.Page, Credentials: s.Request.Credentials == CredentialsInclude,
		Method: strings.ToUpper(NormalizeMethod(s.Request.Method)), Preflight: out.Preflight != nil}
	if u, err := url.Parse(s.Request.URL); err == nil {
		n.Path = u.EscapedPath()
	}
	if out.Preflight != nil {
		acrh, _ := out.Preflight.Request.Headers.Get(headerRequestHeaders)
		for h := range strings.SplitSeq(acrh, ",") {
			if h == "" {
				continue
			}
			n.Headers = append(n.Headers, spelledAsSent(s.Request.Headers, h))
		}
	}
	return n
}

// libraryFix is the smallest change to the library's options that lets
// the request through safely: misspelled options renamed, then, of the
// edits for what the request needs, only those it cannot pass without.
func libraryFix(s Scenario, out Outcome, before []string) (Fix, bool) {
	l := s.Server.Library
	fx := fixerOf(l)
	if fx == nil {
		return Fix{}, false
	}
	n := libNeedOf(s, out)
	var steps []libStep
	if n.Page != "null" {
		steps = append(steps, libStep{edit: fx.Origin})
	}
	if n.Credentials {
		steps = append(steps, libStep{edit: fx.Credentials})
	}
	steps = append(steps, libStep{edit: fx.Method, upcase: NormalizeMethod(s.Request.Method) != n.Method})
	if len(n.Headers) > 0 {
		steps = append(steps, libStep{edit: fx.Headers})
	}
	if n.Preflight && fx.Status != nil {
		steps = append(steps, libStep{edit: fx.Status})
	}
	renames := fixRenames(fx, l.Options)

	// build applies the renames (if asked) and the kept steps to the
	// original options; changed tells which steps changed anything.
	build := func(rename bool, keep []bool) (Scenario, *libOptions, []bool) {
		o := &libOptions{M: maps.Clone(l.Options)}
		if o.M == nil {
			o.M = map[string]json.RawMessage{}
		}
		sc := s.Clone()
		if rename {
			for _, r := range renames {
				o.M[r[1]] = o.M[r[0]]
				delete(o.M, r[0])
				o.Note("", fmt.Sprintf("rename the option %s to %s", r[0], r[1]), fx.RenameWhy(r[0], r[1]))
			}
		}
		changed := make([]bool, len(steps))
		for i, st := range steps {
			if !keep[i] {
				continue
			}
			was := jsonOf(o.M)
			st.edit(o, n)
			changed[i] = jsonOf(o.M) != was
			if st.upcase && sc.Request.Method != n.Method {
				o.Note("", "write the method as "+n.Method+" in fetch()", fmt.Sprintf("fetch() sends %q as typed (it upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT), and methods are case-sensitive: servers list %s.", sc.Request.Method, n.Method))
				sc.Request.Method = n.Method
				changed[i] = true
			}
		}
		sc.Server = Server{Library: &Library{Name: l.Name, Version: l.Version, Options: o.M}}
		return sc, o, changed
	}

	keep := make([]bool, len(steps))
	for i := range keep {
		keep[i] = true
	}
	rename := len(renames) > 0
	fixed, _, changed := build(rename, keep)
	if !passesSafely(fixed, before) && rename {
		rename = false // the renamed options let the request fail in ways no edit repairs
		fixed, _, changed = build(rename, keep)
	}
	if !passesSafely(fixed, before) {
		return Fix{}, false
	}
	// Keep only the edits the request cannot pass without (safely).
	for i := range steps {
		keep[i] = changed[i]
	}
	for i := range steps {
		if !keep[i] {
			continue
		}
		keep[i] = false
		if sc, _, _ := build(rename, keep); !passesSafely(sc, before) {
			keep[i] = true
		}
	}
	fixed, o, _ := build(rename, keep)

	title := libraryTitle(l.Name)
	f := Fix{Title: "Allow exactly this request in the " + title + " options", Side: "server", Risk: "low",
		Plain: o.Plain(), Why: o.Why, Server: &fixed.Server, verified: true,
		Cost: "The page's origin gets what it needs and nothing more."}
	if slices.ContainsFunc(o.Allow, func(a string) bool { return strings.HasPrefix(a, "credentials") }) || (n.Credentials && o.Narrowed) {
		f.Cost = n.Page + " can read the responses with the user's cookies, as the page needs; list only origins you control."
	}
	if o.Narrowed {
		f.Breaks = "Every other site loses access: the configuration let any origin read (without cookies), and now only the listed origins can. List each site that calls this API."
	}
	if len(o.Allow) == 0 && len(o.Do) == len(renames) && rename {
		f.Title = "Spell the options as " + title + " does"
	}
	if !rename {
		renames = nil
	}
	f.Changes = fixChanges(fx, l.Options, o.M, renames)
	f.Code = &FixCode{Language: fx.Language, Before: fx.Call(fixOrdered(fx, l.Options)), After: fx.Call(fixOrdered(fx, o.M))}
	if fixed.Request.Method != s.Request.Method {
		f.Side, f.Request = "both", &fixed.Request
		f.Changes = append([]Change{{Field: "request.method", From: quote(s.Request.Method), To: quote(fixed.Request.Method)}}, f.Changes...)
		if len(f.Changes) == 1 { // the options were right: only the page changes
			f = Fix{Title: "Send the method in upper case", Side: "page", Risk: "none", Plain: f.Plain, Why: f.Why, verified: true,
				Cost: "None: the server sees the method it expects.", Changes: f.Changes, Request: f.Request,
				Code: &FixCode{Language: "javascript", Before: FetchCall(s.Request), After: FetchCall(fixed.Request)}}
		}
	}
	return f, true
}

// ordered lists the options in the call's order: the library's own, then
// any other, sorted.
func fixOrdered(fx *libraryFixer, m map[string]json.RawMessage) []libOpt {
	var out []libOpt
	for _, name := range fx.Options {
		if raw, ok := m[name]; ok {
			out = append(out, libOpt{Name: name, Raw: raw})
		}
	}
	var rest []string
	for name := range m {
		if !slices.Contains(fx.Options, name) {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range rest {
		out = append(out, libOpt{Name: name, Raw: m[name]})
	}
	return out
}

// changes lists the options that differ, in the call's order, each
// renamed option removed just before its new name.
func fixChanges(fx *libraryFixer, before, after map[string]json.RawMessage, renames [][2]string) []Change {
	union := maps.Clone(before)
	if union == nil {
		union = map[string]json.RawMessage{}
	}
	maps.Copy(union, after)
	var out []Change
	change := func(name string) {
		if from, to := compactJSON(before[name]), compactJSON(after[name]); from != to {
			out = append(out, Change{Field: fieldPath("server.library.options", name), From: from, To: to})
		}
	}
	for _, o := range fixOrdered(fx, union) {
		if slices.ContainsFunc(renames, func(r [2]string) bool { return r[0] == o.Name }) {
			continue
		}
		for _, r := range renames {
			if r[1] == o.Name {
				change(r[0])
			}
		}
		change(o.Name)
	}
	return out
}

func compactJSON(raw json.RawMessage) string {
	if raw == nil {
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// renames pairs each option the library ignores with the option it was
// surely meant to be, when that one is not set already.
func fixRenames(fx *libraryFixer, opts map[string]json.RawMessage) [][2]string {
	if fx.Unknown == nil {
		return nil
	}
	var out [][2]string
	for _, u := range fx.Unknown(opts) {
		to := fixRealName(fx, u)
		if _, set := opts[to]; to == "" || set || slices.ContainsFunc(out, func(r [2]string) bool { return r[1] == to }) {
			continue
		}
		out = append(out, [2]string{u, to})
	}
	return out
}

// realName is the option a misspelled name stands for: an alias, the same
// name in another case or with other separators, or one or two letters
// off; "" when none is close.
func fixRealName(fx *libraryFixer, name string) string {
	if to, ok := fx.Aliases[name]; ok {
		return to
	}
	key := optionKey(name)
	best, bestD := "", 3
	for _, o := range fx.Options {
		if d := editDistance(key, optionKey(o)); d < bestD {
			best, bestD = o, d
		}
	}
	if bestD > 0 && (len(key) < 5 || (bestD > 1 && len(key) < 9)) {
		return ""
	}
	return best
}

// optionKey folds case and separators away, and a CORS_ prefix (a
// configuration key passed as an option).
func optionKey(name string) string {
	k := strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(name))
	if rest, ok := strings.CutPrefix(k, "cors"); ok && rest != "" {
		return rest
	}
	return k
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// ---- The code's literals, from JSON values in their order ----

// callLine is the maximum width of a call printed on one line.
const callLine = 79
