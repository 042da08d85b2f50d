package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"slices"
	"strings"
)

// Input limits. They keep the page, the CLI and a permalink responsive.
const (
	MaxInputBytes = 64 << 10 // one scenario, alone or in an array (see Stream)
	MaxHeaders    = 100      // per header list
	MaxRepeats    = 20
	MaxRepeatAt   = 86400 // seconds
)

// FieldError is a problem with one field of a scenario. Field is a JSON path
// such as "request.headers[2]" or "[3].page" inside an array.
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Problem
	}
	return e.Field + ": " + e.Problem
}

// Decode reads one scenario or a JSON array of scenarios, within the limits
// of a Stream, and validates each. many reports whether the input was an
// array. The first problem is returned, with its element's index in the
// field path inside an array.
func Decode(data []byte) (scenarios []Scenario, many bool, err error) {
	st := NewStream(bytes.NewReader(data))
	for {
		raw, err := st.Next()
		if err == io.EOF {
			return scenarios, st.Many(), nil
		}
		var s Scenario
		if err == nil {
			s, err = DecodeOne(raw)
			err = st.Wrap(err)
		}
		if err != nil {
			return nil, st.Many(), err
		}
		scenarios = append(scenarios, s)
	}
}

// DecodeOne reads and validates one scenario, with Unmarshal: unknown,
// repeated or miscased keys and values of the wrong type are refused, so
// that a misspelt option never silently does nothing.
func DecodeOne(data []byte) (Scenario, error) {
	var s Scenario
	if len(data) > MaxInputBytes {
		return s, &FieldError{Problem: fmt.Sprintf("input is %d bytes, more than the %d allowed", len(data), MaxInputBytes)}
	}
	if err := Unmarshal(data, &s); err != nil {
		return Scenario{}, err
	}
	if c := s.Challenge; c != nil && len(c.Solution) > 0 {
		// Compact, as json.Marshal writes it: a scenario decodes to the
		// same value before and after a round trip.
		var buf bytes.Buffer
		if json.Compact(&buf, c.Solution) == nil {
			c.Solution = buf.Bytes()
		}
	}
	return s, s.Validate()
}

// jsonError turns an error of encoding/json into a *FieldError under prefix
// that speaks of JSON, not Go: the line and column of a syntax error, the
// JSON types of a type error.
func jsonError(prefix string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimLeft(data, " \t\r\n")) == 0:
		return &FieldError{Field: prefix, Problem: "empty input: want a JSON object"}
	case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input":
		return &FieldError{Field: prefix, Problem: "empty or truncated JSON"}
	case errors.As(err, &syn) && strings.HasSuffix(syn.Error(), "after top-level value"):
		line, col := position(data, syn.Offset)
		return &FieldError{Field: prefix, Problem: fmt.Sprintf("unexpected data after the JSON value, at line %d, column %d", line, col)}
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return &FieldError{Field: prefix, Problem: fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, syn)}
	case errors.As(err, &typ):
		got, _, _ := strings.Cut(typ.Value, " ")
		got = map[string]string{"string": "a string", "number": "a number", "bool": "a boolean", "array": "an array", "object": "an object"}[got]
		return &FieldError{Field: joinField(prefix, typ.Field), Problem: "want " + wantOf(typ.Type) + ", got " + got}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &FieldError{Field: prefix, Problem: "empty or truncated JSON"}
	}
	return &FieldError{Field: prefix, Problem: strings.TrimPrefix(err.Error(), "json: ")}
}

// position turns a SyntaxError's offset, which counts the bad byte, into
// the line and column of that byte.
func position(data []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < offset-1 && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

func joinField(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case strings.HasPrefix(b, "["):
		return a + b
	}
	return a + "." + b
}

// Validate checks every field and returns the first problem as a *FieldError.
func (s Scenario) Validate() error {
	if s.V != Version {
		if s.V == 0 {
			return &FieldError{"v", fmt.Sprintf("missing: write \"v\": %d", Version)}
		}
		return &FieldError{"v", fmt.Sprintf("unknown version %d: this reader knows version %d", s.V, Version)}
	}
	if s.Browser != "" && !slices.Contains(Profiles, s.Browser) {
		return &FieldError{"browser", fmt.Sprintf("%q is not a profile: use %s", s.Browser, orList(quoteAll(Profiles)))}
	}
	if s.Page == "" {
		return &FieldError{"page", "missing: the page's origin, such as \"https://app.example.com\", or \"null\""}
	}
	if len(s.Page) > MaxOriginBytes {
		return &FieldError{"page", fmt.Sprintf("%d bytes: corsplay takes origins up to %d (a host name has at most 253)", len(s.Page), MaxOriginBytes)}
	}
	if _, err := ParseOrigin(s.Page); err != nil {
		return &FieldError{"page", err.Error()}
	}
	if err := s.Request.validate(); err != nil {
		return err
	}
	if err := s.Server.validate(); err != nil {
		return err
	}
	if err := s.validateElsewhere(); err != nil {
		return err
	}
	if len(s.Request.Repeat) > 0 && s.redirects() {
		return &FieldError{"request.repeat", "a repeated request that may be redirected (elsewhere, or a raw server's redirect) is not modelled yet: remove repeat or the redirect"}
	}
	if err := s.validatePredictions(); err != nil {
		return err
	}
	if s.Challenge != nil {
		return s.Challenge.validate(s)
	}
	return nil
}

func (r Request) validate() error {
	if r.URL == "" {
		return &FieldError{"request.url", "missing: the URL passed to fetch()"}
	}
	if _, err := parseRequestURL(r.URL); err != nil {
		return &FieldError{"request.url", err.Error()}
	}
	if r.Method != "" && !IsToken(r.Method) {
		return &FieldError{"request.method", fmt.Sprintf("%q is not a valid HTTP method: a method is a token (letters, digits and !#$%%&'*+-.^_`|~, no spaces); fetch() throws a TypeError", r.Method)}
	}
	if err := validateHeaders("request.headers", r.Headers); err != nil {
		return err
	}
	switch r.Credentials {
	case "", CredentialsOmit, CredentialsSameOrigin, CredentialsInclude:
	default:
		return &FieldError{"request.credentials", fmt.Sprintf("%q is not a credentials mode: use \"omit\", \"same-origin\" or \"include\"", r.Credentials)}
	}
	switch r.Mode {
	case "", ModeCORS, ModeNoCORS, ModeSameOrigin:
	default:
		return &FieldError{"request.mode", fmt.Sprintf("%q is not a request mode: use \"cors\", \"no-cors\" or \"same-origin\"", r.Mode)}
	}
	switch r.Redirect {
	case "", RedirectFollow, RedirectError, RedirectManual:
	default:
		return &FieldError{"request.redirect", fmt.Sprintf("%q is not a redirect mode: use \"follow\", \"error\" or \"manual\"", r.Redirect)}
	}
	if len(r.Repeat) > MaxRepeats {
		return &FieldError{"request.repeat", fmt.Sprintf("%d sends, at most %d", len(r.Repeat), MaxRepeats)}
	}
	for i, at := range r.Repeat {
		field := fmt.Sprintf("request.repeat[%d]", i)
		if math.IsNaN(at) || at < 0 || at > MaxRepeatAt {
			return &FieldError{field, fmt.Sprintf("%v is not a time between 0 and %d seconds", at, MaxRepeatAt)}
		}
		if i > 0 && at < r.Repeat[i-1] {
			return &FieldError{field, fmt.Sprintf("%v comes before the previous send at %v: list the times in order", at, r.Repeat[i-1])}
		}
	}
	return nil
}

// parseRequestURL parses an absolute http(s) URL.
func parseRequestURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	if !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute URL: write it with scheme and host, such as https://api.example.com/items", raw)
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return nil, fmt.Errorf("%q: only http and https URLs are supported, not %s:", raw, u.Scheme)
	}
	if _, err := canonicalPort(u.Port()); err != nil {
		return nil, fmt.Errorf("%q is not a URL: %v; fetch() throws TypeError: Failed to parse URL from %s", raw, err, raw)
	}
	return u, nil
}

func validateHeaders(field string, hs Headers) error {
	if len(hs) > MaxHeaders {
		return &FieldError{field, fmt.Sprintf("%d headers, at most %d", len(hs), MaxHeaders)}
	}
	for i, h := range hs {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !IsToken(h.Name) {
			return &FieldError{f, fmt.Sprintf("%q is not a valid header name: a name is a token (letters, digits and !#$%%&'*+-.^_`|~, no spaces or colons)", h.Name)}
		}
		if !IsHeaderValue(NormalizeHeaderValue(h.Value)) {
			return &FieldError{f, fmt.Sprintf("the value of %s contains a NUL, CR or LF byte, which no header value may contain", h.Name)}
		}
	}
	return nil
}

func (s Server) validate() error {
	if err := s.validateLayers("server"); err != nil {
		return err
	}
	n := 0
	for _, set := range []bool{s.Raw != nil, s.Policy != nil, s.Library != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return &FieldError{"server", "give one of raw, policy or library"}
	}
	if s.Library != nil {
		return s.Library.validate()
	}
	if s.Policy != nil {
		return s.Policy.validate()
	}
	if s.Raw == nil {
		return nil
	}
	if p := s.Raw.Preflight; p != nil {
		if err := p.validate("server.raw.preflight"); err != nil {
			return err
		}
	}
	if a := s.Raw.Actual; a != nil {
		if err := a.validate("server.raw.actual"); err != nil {
			return err
		}
	}
	return nil
}

func (r Response) validate(field string) error {
	if r.Status < 200 || r.Status > 599 {
		return &FieldError{field + ".status", fmt.Sprintf("%d is not a final HTTP status: use 200 to 599", r.Status)}
	}
	return validateHeaders(field+".headers", r.Headers)
}
