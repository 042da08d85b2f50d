package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine"
)

// This file reads a HAR 1.2 file (http://www.softwareishard.com/blog/har-12-spec/)
// as Chrome (DevTools' HAR Log.ts: creator "WebInspector", _initiator,
// _resourceType "preflight" for preflights, _error "net::ERR_FAILED"),
// Firefox (har-builder.js: creator "Firefox", preflights as plain OPTIONS
// entries) and Safari (HARBuilder.js: creator "WebKit Web Inspector",
// _fetchType, _error with WebKit's reason, no preflight entries) export it.
//
// The file is decoded as a stream, one entry at a time, keeping of each
// only what a scenario needs: response bodies are scanned, never kept.

type harHeader struct {
	Name  harString `json:"name"`
	Value harString `json:"value"`
}

type harEntry struct {
	Initiator *struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"_initiator"`
	ResourceType string `json:"_resourceType"`
	Pageref      string `json:"pageref"`
	Request      struct {
		Method   string      `json:"method"`
		URL      string      `json:"url"`
		Headers  []harHeader `json:"headers"`
		Cookies  []struct{}  `json:"cookies"`
		PostData *struct {
			MimeType string  `json:"mimeType"`
			Text     harText `json:"text"`
		} `json:"postData"`
	} `json:"request"`
	Response struct {
		Status  int         `json:"status"`
		Headers []harHeader `json:"headers"`
		// RedirectURL is the Location of a redirect response.
		RedirectURL harString `json:"redirectURL"`
		Error       *string   `json:"_error"`
	} `json:"response"`

	offset int64 // where the entry starts in the file
}

// harText keeps at most maxBody bytes of a string and its full length.
type harText struct {
	text string
	n    int
}

func (t *harText) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil || s == nil {
		return err
	}
	t.text, t.n = cutMark(*s)
	t.text = t.text[:min(len(t.text), maxBody)]
	return nil
}

// harString is a string that elide may have cut: the mark is removed.
type harString string

func (h *harString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	s, _ = cutMark(s)
	*h = harString(s)
	return nil
}

// Long strings: elide keeps the first elideKeep bytes of a string longer
// than elideOver, then the mark: a NUL and the string's length in the file.
const (
	elideOver = 8 << 10
	elideKeep = maxBody
)

// elide copies a JSON text with its long strings cut. JSON's decoder
// steps through every byte of a string, which is most of a HAR saved
// with its bodies; finding the end of a string with bytes.IndexAny is
// many times faster. No newline is ever removed, so a line of the copy is
// the same line of the text.
func elide(text []byte) []byte {
	var out []byte // made at the first long string: most HARs saved without bodies have none
	copied := 0    // text[:copied] is in out
	i := 0
	for i < len(text) {
		q := bytes.IndexByte(text[i:], '"')
		if q < 0 {
			break
		}
		q += i
		start, j := q+1, q+1
		for j < len(text) {
			k := bytes.IndexAny(text[j:], "\"\\\n")
			if k < 0 {
				j = len(text)
				break
			}
			j += k
			if text[j] != '\\' {
				break
			}
			j += 2 // the escaped byte
		}
		j = min(j, len(text))
		if j-start > elideOver {
			if out == nil {
				out = make([]byte, 0, len(text)/4)
			}
			out = append(out, text[copied:start]...)
			// Cut after whole escapes only.
			p := start
			for p < start+elideKeep {
				switch {
				case text[p] == '\\' && p+1 < j && text[p+1] == 'u':
					p += 6
				case text[p] == '\\':
					p += 2
				default:
					p++
				}
			}
			out = append(out, text[start:min(p, j)]...)
			out = append(out, `\u0000`...)
			out = strconv.AppendInt(out, int64(j-start), 10)
			copied = j
		}
		i = j + 1 // after the closing quote
	}
	if out == nil {
		return text
	}
	return append(out, text[copied:]...)
}

// cutMark splits the mark elide leaves off a string and returns the
// string's length before the cut (its length when not cut).
func cutMark(s string) (string, int) {
	at := strings.LastIndexByte(s, 0)
	if at < 0 || at+1 == len(s) {
		return s, len(s)
	}
	n, err := strconv.Atoi(s[at+1:])
	if err != nil || n <= elideOver {
		return s, len(s)
	}
	return s[:at], n
}

type harLog struct {
	creator string
	pages   map[string]string // id → title (Chrome's and Safari's: the page's URL)
	entries []harEntry
}

// importHAR reads a HAR file and imports the failing cross-origin
// exchange, or the entry opts.Entry.
func importHAR(text []byte, opts Options) (Result, error) {
	// The decoder reads the file with its long strings (bodies) cut, which
	// leaves the lines where they were; a file it refuses is read again
	// whole, for the error to name the very place.
	short := elide(text)
	log, err := readHAR(short)
	if err != nil {
		if _, whole := readHAR(text); whole != nil {
			err = whole
		}
		return Result{}, err
	}
	h := &harImport{log: log, text: short}
	h.pair()
	h.link()
	if opts.Entry > 0 {
		return h.pick(opts.Entry - 1)
	}
	return h.auto()
}

// readHAR decodes the parts of a HAR file a scenario needs.
func readHAR(text []byte) (harLog, error) {
	log := harLog{pages: map[string]string{}}
	dec := json.NewDecoder(bytes.NewReader(text))
	// last is where the value being read starts: a decoder's syntax
	// errors count from its buffer, so harError reads that value again.
	var last int64
	fail := func(err error, field string) error { return harError(text, last, dec, err, field) }
	if err := expectDelim(dec, '{'); err != nil {
		return log, fail(err, "")
	}
	sawLog := false
	for dec.More() {
		last = dec.InputOffset()
		key, err := dec.Token()
		if err != nil {
			return log, fail(err, "")
		}
		last = dec.InputOffset()
		if key != "log" {
			if err := skipValue(dec); err != nil {
				return log, fail(err, fmt.Sprint(key))
			}
			continue
		}
		sawLog = true
		if err := expectDelim(dec, '{'); err != nil {
			return log, fail(err, "log")
		}
		for dec.More() {
			last = dec.InputOffset()
			key, err := dec.Token()
			if err != nil {
				return log, fail(err, "log")
			}
			last = dec.InputOffset()
			field := "log." + fmt.Sprint(key)
			switch key {
			case "creator":
				var c struct {
					Name string `json:"name"`
				}
				if err := dec.Decode(&c); err != nil {
					return log, fail(err, field)
				}
				log.creator = c.Name
			case "pages":
				var pages []struct {
					ID    string `json:"id"`
					Title string `json:"title"`
				}
				if err := dec.Decode(&pages); err != nil {
					return log, fail(err, field)
				}
				for _, p := range pages {
					log.pages[p.ID] = p.Title
				}
			case "entries":
				if err := expectDelim(dec, '['); err != nil {
					return log, fail(err, field)
				}
				for dec.More() {
					last = dec.InputOffset()
					e := harEntry{offset: last}
					if err := dec.Decode(&e); err != nil {
						return log, fail(err, fmt.Sprintf("log.entries[%d]", len(log.entries)))
					}
					log.entries = append(log.entries, e)
				}
				if err := expectDelim(dec, ']'); err != nil {
					return log, fail(err, field)
				}
			default:
				if err := skipValue(dec); err != nil {
					return log, fail(err, field)
				}
			}
		}
		if err := expectDelim(dec, '}'); err != nil {
			return log, fail(err, "log")
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return log, fail(err, "")
	}
	if _, err := dec.Token(); err != io.EOF {
		return log, errorAt(lineAt(text, dec.InputOffset()), "data after the HAR's closing brace")
	}
	if !sawLog {
		if bytes.Contains(text, []byte(`"request"`)) && bytes.Contains(text, []byte(`"v"`)) {
			return log, &Error{Problem: "this is already a corsplay scenario: run corsplay check on it, or open it in the playground"}
		}
		return log, &Error{Line: 1, Problem: "a JSON object without \"log\": a HAR file holds {\"log\": {\"entries\": […]}}"}
	}
	return log, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, got %v", string(want), t)
	}
	return nil
}

func skipValue(dec *json.Decoder) error {
	var skip json.RawMessage
	return dec.Decode(&skip)
}

// harError says what is wrong where in a HAR file; the value being read
// starts at last.
func harError(text []byte, last int64, dec *json.Decoder, err error, field string) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	prefix := ""
	if field != "" {
		prefix = field + ": "
	}
	switch {
	case errors.As(err, &syn):
		// Read the value again alone, where offsets count from its start.
		start := last
		for start < int64(len(text)) && strings.IndexByte(" \t\r\n,:", text[start]) >= 0 {
			start++
		}
		var again json.RawMessage
		if e := json.Unmarshal(text[start:], &again); errors.As(e, &syn) {
			syn.Offset += start
		}
		line, col := position(text, syn.Offset-1)
		return errorAt(line, "column %d: invalid JSON: %v", col, syn)
	case errors.As(err, &typ):
		if typ.Field != "" {
			prefix = field + "." + typ.Field + ": "
		}
		got, _, _ := strings.Cut(typ.Value, " ")
		return errorAt(lineAt(text, typ.Offset), "%swant %s, got %s", prefix, jsonKind(typ.Type.Kind()), jsonWords[got])
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errorAt(lineAt(text, int64(len(text))), "%sthe HAR ends too early: the file is truncated", prefix)
	}
	return errorAt(lineAt(text, dec.InputOffset()), "%s%v", prefix, err)
}

// jsonWords name JSON's types in sentences.
var jsonWords = map[string]string{"string": "a string", "number": "a number", "bool": "true or false", "array": "an array", "object": "an object"}

// jsonKind names the JSON type a Go kind is decoded from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a number"
}

// position is the line and column of the byte at offset (from 1).
func position(text []byte, offset int64) (line, col int) {
	offset = max(0, min(offset, int64(len(text))))
	before := text[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func lineAt(text []byte, offset int64) int {
	line, _ := position(text, offset)
	return line
}

// harImport picks an entry and reads it.
type harImport struct {
	log  harLog
	text []byte
	// preflightOf maps an entry to its preflight's, -1 for none; paired
	// marks preflights that belong to an entry.
	preflightOf []int
	paired      map[int]bool
	// nextOf maps a redirected entry to the entry of the URL it led to,
	// -1 for none; prevOf the other way.
	nextOf, prevOf []int
}

func header(hs []harHeader, name string) (string, bool) {
	for _, h := range hs {
		if strings.EqualFold(string(h.Name), name) {
			return string(h.Value), true
		}
	}
	return "", false
}

func (e *harEntry) isPreflight() bool {
	_, acrm := header(e.Request.Headers, "Access-Control-Request-Method")
	return strings.EqualFold(e.Request.Method, "OPTIONS") && acrm
}

// pair finds each request's preflight: an OPTIONS entry for the same URL,
// origin and method, the nearest (Chrome lists it after the request,
// Firefox before).
func (h *harImport) pair() {
	es := h.log.entries
	h.preflightOf = make([]int, len(es))
	h.paired = map[int]bool{}
	type key struct{ url, origin, method string }
	preflights := map[key][]int{}
	for j := range es {
		if es[j].isPreflight() {
			acrm, _ := header(es[j].Request.Headers, "Access-Control-Request-Method")
			o, _ := header(es[j].Request.Headers, "Origin")
			k := key{noFragment(es[j].Request.URL), o, acrm}
			preflights[k] = append(preflights[k], j)
		}
	}
	for i := range es {
		h.preflightOf[i] = -1
		if es[i].isPreflight() {
			continue
		}
		origin, _ := header(es[i].Request.Headers, "Origin")
		// The nearest before and after i (the lists are in order).
		list := preflights[key{noFragment(es[i].Request.URL), origin, engine.NormalizeMethod(es[i].Request.Method)}]
		best := -1
		pos, _ := slices.BinarySearch(list, i)
		for _, j := range list[max(0, pos-1):min(len(list), pos+1)] {
			if best < 0 || abs(j-i) < abs(best-i) || abs(j-i) == abs(best-i) && h.paired[best] {
				best = j
			}
		}
		if best >= 0 {
			h.preflightOf[i] = best
			h.paired[best] = true
		}
	}
}

func noFragment(u string) string {
	u, _, _ = strings.Cut(u, "#")
	return u
}

func abs(n int) int { return max(n, -n) }

// crossOrigin reports an entry whose page and URL origins differ: the
// requests CORS applies to.
func (h *harImport) crossOrigin(i int) bool {
	e := &h.log.entries[i]
	target, ok := originOf(e.Request.URL)
	if !ok {
		return false
	}
	if o, ok := header(e.Request.Headers, "Origin"); ok {
		return o != target
	}
	if ref, ok := header(e.Request.Headers, "Referer"); ok {
		o, ok := originOf(ref)
		return ok && o != target && e.ResourceType != "document"
	}
	return false
}

// failed reports an entry the browser marked as failed: an error, or no
// response.
func (e *harEntry) failed() bool {
	return e.Response.Error != nil && *e.Response.Error != "" || e.Response.Status == 0
}

// redirected reports a request answered with a redirect.
func (e *harEntry) redirected() bool {
	return e.location() != "" && e.Response.Status >= 300 && e.Response.Status < 400
}

// location is where a redirect response leads, absolute: its Location
// header, or the HAR's redirectURL; "" for none.
func (e *harEntry) location() string {
	loc, ok := header(e.Response.Headers, "Location")
	if !ok || strings.TrimSpace(loc) == "" {
		loc = string(e.Response.RedirectURL)
	}
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return ""
	}
	base, err := url.Parse(e.Request.URL)
	if err != nil {
		return loc
	}
	next, err := base.Parse(loc)
	if err != nil {
		return loc
	}
	return next.String()
}

// link finds where each redirect led: the next entry, not a preflight,
// that fetches the Location, for the same page.
func (h *harImport) link() {
	es := h.log.entries
	h.nextOf, h.prevOf = make([]int, len(es)), make([]int, len(es))
	for i := range es {
		h.nextOf[i], h.prevOf[i] = -1, -1
	}
	// The entries of each page and URL, in order, and the first of each
	// list not yet claimed by a redirect: entries are linked in order, so
	// each list is walked once.
	type key struct{ page, url string }
	fetches := map[key][]int{}
	for j := range es {
		if !es[j].isPreflight() {
			k := key{es[j].Pageref, noFragment(es[j].Request.URL)}
			fetches[k] = append(fetches[k], j)
		}
	}
	cursor := map[key]int{}
	for i := range es {
		if !es[i].redirected() || es[i].isPreflight() {
			continue
		}
		k := key{es[i].Pageref, noFragment(es[i].location())}
		list, c := fetches[k], cursor[k]
		for c < len(list) && list[c] <= i {
			c++
		}
		if c < len(list) {
			h.nextOf[i], h.prevOf[list[c]] = list[c], i
			c++
		}
		cursor[k] = c
	}
}

// chainOf is the entries of the fetch entry i belongs to, from its first
// request through each redirect.
func (h *harImport) chainOf(i int) []int {
	for h.prevOf[i] >= 0 {
		i = h.prevOf[i]
	}
	chain := []int{i}
	for h.nextOf[i] >= 0 && len(chain) <= engine.MaxRedirects {
		i = h.nextOf[i]
		chain = append(chain, i)
	}
	return chain
}

// auto picks the first cross-origin exchange that fails: among those the
// browser marked failed first, then any; with none failing, the first
// cross-origin exchange, said in a note.
func (h *harImport) auto() (Result, error) {
	es := h.log.entries
	var marked, others []int
	for i := range es {
		if h.paired[i] || h.prevOf[i] >= 0 {
			continue // a preflight, or where a redirect led: read with its request
		}
		chain := h.chainOf(i)
		if !slices.ContainsFunc(chain, h.crossOrigin) {
			continue
		}
		if slices.ContainsFunc(chain, func(j int) bool { return es[j].failed() }) {
			marked = append(marked, i)
		} else {
			others = append(others, i)
		}
	}
	if len(marked)+len(others) == 0 {
		return Result{}, &Error{Problem: fmt.Sprintf("the HAR holds %d entries and none is a cross-origin request (none has an Origin header for another origin), so CORS applies to none of them. Record the Network panel while the failing request runs", len(es))}
	}
	var firstErr error
	for _, group := range [][]int{marked, others} {
		for _, i := range group {
			r, err := h.read(i)
			if err != nil {
				firstErr = firstOf(firstErr, err)
				continue
			}
			if engine.Evaluate(r.Scenario).Verdict != engine.Blocked {
				continue
			}
			var more []string
			for _, j := range marked {
				if j != i {
					more = append(more, fmt.Sprint(j+1))
				}
			}
			note := fmt.Sprintf("Entry %d of %d: %s %s, the first cross-origin request that fails (--entry N picks another).", i+1, len(es), es[i].Request.Method, es[i].Request.URL)
			if len(more) > 0 {
				note += " These cross-origin requests failed too: entries " + strings.Join(more[:min(len(more), 10)], ", ") + "."
			}
			r.Notes = append([]string{note}, r.Notes...)
			return r, nil
		}
	}
	first := append(marked, others...)[0]
	r, err := h.read(first)
	if err != nil {
		return Result{}, firstOf(firstErr, err)
	}
	r.Notes = append([]string{fmt.Sprintf("No cross-origin request in this HAR fails in %s: this is entry %d of %d, %s %s (--entry N picks another).", browserTitles[r.Browser], first+1, len(es), es[first].Request.Method, es[first].Request.URL)}, r.Notes...)
	return r, nil
}

func firstOf(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// pick reads entry i as asked.
func (h *harImport) pick(i int) (Result, error) {
	es := h.log.entries
	if i >= len(es) {
		return Result{}, &Error{Problem: fmt.Sprintf("--entry %d: the HAR holds %d entries", i+1, len(es))}
	}
	e := &es[i]
	line := lineAt(h.text, e.offset)
	if _, ok := originOf(e.Request.URL); !ok {
		return Result{}, errorAt(line, "entry %d fetches %q, not an http or https URL", i+1, e.Request.URL)
	}
	if h.paired[i] {
		for j, p := range h.preflightOf {
			if p == i {
				r, err := h.read(j)
				if err == nil {
					r.Notes = append([]string{fmt.Sprintf("Entry %d is the preflight of entry %d (%s %s), imported with it.", i+1, j+1, es[j].Request.Method, es[j].Request.URL)}, r.Notes...)
				}
				return r, err
			}
		}
	}
	chain := h.chainOf(i)
	if !slices.ContainsFunc(chain, h.crossOrigin) {
		return Result{}, errorAt(line, "entry %d (%s %s) is not a cross-origin request (it has no Origin header for another origin): CORS does not apply to it", i+1, e.Request.Method, e.Request.URL)
	}
	if chain[0] != i {
		// Where a redirect led: the fetch started at the chain's first.
		first := &es[chain[0]]
		r, err := h.read(chain[0])
		if err == nil {
			r.Notes = append([]string{fmt.Sprintf("Entry %d is where a redirect led: the fetch began with entry %d (%s %s), imported with the redirects that follow it.", i+1, chain[0]+1, first.Request.Method, first.Request.URL)}, r.Notes...)
		}
		return r, err
	}
	return h.read(i)
}

// read builds the scenario of entry i (a request, or a preflight alone).
func (h *harImport) read(i int) (Result, error) {
	e := &h.log.entries[i]
	s := seen{source: SourceHAR, where: fmt.Sprintf("entry %d", i+1), line: lineAt(h.text, e.offset), url: e.Request.URL}
	switch h.log.creator {
	case "WebInspector":
		s.browser = engine.Chrome
	case "Firefox":
		s.browser = engine.Firefox
	case "WebKit Web Inspector":
		s.browser = engine.Safari
	}
	if e.isPreflight() {
		// A preflight whose request the HAR does not hold: the preflight
		// failed, so the request was never sent.
		s.preflight = &exchangeSeen{headers: headersOf(e.Request.Headers), response: harResponse(e)}
		s.notes = append(s.notes, fmt.Sprintf("Entry %d is a preflight whose request is not in the HAR: the browser never sent it.", i+1))
		return h.finish(s, e)
	}
	s.method = e.Request.Method
	s.headers = headersOf(e.Request.Headers)
	s.cookies = len(e.Request.Cookies) > 0 || s.headers.Has("Cookie")
	if pd := e.Request.PostData; pd != nil && (pd.Text.n > 0 || pd.MimeType != "") {
		body := pd.Text.text
		s.body = &body
		if pd.Text.n > maxBody {
			s.bodyBytes = pd.Text.n
		}
	}
	if title := h.log.pages[e.Pageref]; strings.Contains(title, "://") {
		s.referrer = title
	}
	s.actual = harResponse(e)
	if p := h.preflightOf[i]; p >= 0 {
		pe := &h.log.entries[p]
		s.preflight = &exchangeSeen{headers: headersOf(pe.Request.Headers), response: harResponse(pe)}
	}
	h.redirects(i, &s)
	return h.finish(s, e)
}

// redirects adds to s the servers entry i's redirects reached: each URL
// the chain went to answers as its entry says, in elsewhere.
func (h *harImport) redirects(i int, s *seen) {
	es := h.log.entries
	chain := h.chainOf(i)
	last := &es[chain[len(chain)-1]]
	for _, j := range chain[1:] {
		e := &es[j]
		u := noFragment(e.Request.URL)
		if slices.ContainsFunc(s.elsewhere, func(x engine.Elsewhere) bool { return x.URL == u }) {
			continue // a loop: the URL answers as it first did
		}
		if len(s.elsewhere) == engine.MaxElsewhere-1 {
			s.notes = append(s.notes, fmt.Sprintf("The redirects of entry %d reach more URLs than the %d servers a scenario may name: those after entry %d are left out, and no server answers them.", i+1, engine.MaxElsewhere, j))
			break
		}
		raw := &engine.RawServer{Actual: harResponse(e)}
		if p := h.preflightOf[j]; p >= 0 {
			raw.Preflight = harResponse(&es[p])
		}
		s.elsewhere = append(s.elsewhere, engine.Elsewhere{URL: u, Server: engine.Server{Raw: raw}})
		s.cookies = s.cookies || len(e.Request.Cookies) > 0 || headersOf(e.Request.Headers).Has("Cookie")
	}
	if len(chain) > 1 {
		which := "entry " + entryList(chain[1:]) + " is the request its redirect led to"
		if len(chain) > 2 {
			which = "entries " + entryList(chain[1:]) + " are the requests its redirects led to"
		}
		s.notes = append(s.notes, fmt.Sprintf("Entry %d was redirected: %s, each URL's server answering in the scenario as its entry shows.", i+1, which))
	}
	if last.redirected() && len(s.elsewhere) < engine.MaxElsewhere-1 {
		s.notes = append(s.notes, fmt.Sprintf("Entry %d redirects to %s, which no entry of the HAR fetches: the browser did not follow that redirect, or the HAR was saved without it. In the scenario no server answers it (404, no CORS header).", chain[len(chain)-1]+1, last.location()))
	}
}

// entryList names entries (indexes) counted from 1.
func entryList(is []int) string {
	var out []string
	for _, i := range is {
		out = append(out, fmt.Sprint(i+1))
	}
	return strings.Join(out, ", ")
}

func (h *harImport) finish(s seen, e *harEntry) (Result, error) {
	if e.Response.Error != nil && *e.Response.Error != "" && !strings.HasPrefix(*e.Response.Error, "net::") {
		s.notes = append(s.notes, browserTitles[orDefault(s.browser, engine.Chrome)]+" recorded: "+*e.Response.Error)
	}
	r, err := s.scenario()
	if err != nil {
		return r, err
	}
	r.Scenario.Title = fmt.Sprintf("From a HAR: %s %s", e.Request.Method, e.Request.URL)
	if e.Response.Error != nil {
		r = recordedFailure(r, *e.Response.Error, s.line)
	}
	if err := r.Scenario.Validate(); err != nil {
		return Result{}, errorAt(s.line, "%s: %v", s.where, err)
	}
	return r, nil
}

// recordedFailure uses the reason a browser recorded with an entry
// (Safari's _error holds WebKit's console text) for what the HAR does not
// show: when the scenario fails otherwise, the server's unseen answers
// are rebuilt to fail as recorded, as for that line pasted from the
// console.
func recordedFailure(r Result, recorded string, line int) Result {
	f, err := readFailure([]consoleLine{{line, recorded}})
	if err != nil || f.browser != r.Browser {
		return r
	}
	if len(r.Scenario.Elsewhere) > 0 {
		// A redirect chain: every answer the HAR shows is in it; say
		// whether the scenario prints what was recorded.
		o := engine.Evaluate(r.Scenario)
		if !slices.ContainsFunc(o.ConsoleLines, func(l engine.ConsoleLine) bool {
			return l.Text == recorded || strings.TrimPrefix(l.Text, safariLoadFailed) == strings.TrimPrefix(recorded, safariLoadFailed)
		}) {
			r.Notes = append(r.Notes, fmt.Sprintf("%s recorded %q, which this scenario does not print: the HAR does not show every answer of the servers.", browserTitles[r.Browser], recorded))
		}
		return r
	}
	f.url, f.origin = r.Scenario.Request.URL, r.Scenario.Page
	f.method = r.Scenario.Request.Method
	want := f.expected()
	if engine.Evaluate(r.Scenario).Console == want {
		return r
	}
	for _, c := range f.candidates() {
		try := r.Scenario.Clone()
		try.Server = c.s.Server
		if c.s.Request.Credentials != "" {
			try.Request.Credentials = c.s.Request.Credentials
		}
		if engine.Evaluate(try).Console != want {
			continue
		}
		r.Scenario = try
		r.Assumed = slices.DeleteFunc(r.Assumed, func(a Assumption) bool { return strings.HasPrefix(a.Field, "server") })
		r.Assumed = append(r.Assumed, Assumption{"server.raw", fmt.Sprintf("The HAR does not show every answer of the server (%s lists no preflight), but it recorded the failure: %q. corsplay built answers that fail the same way; what else they hold is assumed. What does the server answer (curl -i -X OPTIONS …)?", browserTitles[r.Browser], recorded)})
		return r
	}
	r.Notes = append(r.Notes, fmt.Sprintf("%s recorded %q, which this scenario does not reproduce: the HAR does not show every answer of the server.", browserTitles[r.Browser], recorded))
	return r
}

// harResponse is an entry's response as a raw server answers it, nil when
// none came (status 0: blocked before it, or failed).
func harResponse(e *harEntry) *engine.Response {
	st := e.Response.Status
	if st < 200 || st > 599 {
		return nil
	}
	hs, _ := responseHeaders(headersOf(e.Response.Headers))
	if loc := string(e.Response.RedirectURL); loc != "" && st >= 300 && st < 400 && !hs.Has("Location") {
		// The redirect's Location, as the HAR keeps it apart.
		hs = append(hs, engine.Header{Name: "Location", Value: loc})
	}
	return &engine.Response{Status: st, Headers: hs}
}

func headersOf(hs []harHeader) engine.Headers {
	out := make(engine.Headers, 0, len(hs))
	for _, h := range hs {
		out = append(out, engine.Header{Name: string(h.Name), Value: string(h.Value)})
	}
	return out
}
