package engine

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
)

// PermalinkPrefix starts a version-1 permalink fragment: "s1=" followed by
// the base64url (no padding) of the DEFLATE-compressed scenario JSON.
const PermalinkPrefix = "s1="

// MaxPermalinkBytes bounds the fragment a permalink may have.
const MaxPermalinkBytes = 32 << 10

// EncodePermalink returns the URL fragment (without "#") holding s.
func EncodePermalink(s Scenario) (string, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	d := deflaters.Get().(*deflater)
	defer deflaters.Put(d)
	d.buf.Reset()
	d.w.Reset(&d.buf)
	d.w.Write(data)
	d.w.Close()
	return PermalinkPrefix + base64.RawURLEncoding.EncodeToString(d.buf.Bytes()), nil
}

// A deflater is a DEFLATE writer and its output buffer, kept for the next
// EncodePermalink: a new writer allocates about 800 KB of tables, which the
// page would otherwise allocate (and the garbage collector reclaim) on
// every keystroke. A reset writer writes exactly what a new one does.
type deflater struct {
	w   *flate.Writer
	buf bytes.Buffer
}

var deflaters = sync.Pool{New: func() any {
	d := new(deflater)
	d.w, _ = flate.NewWriter(&d.buf, flate.BestCompression)
	return d
}}

// DecodePermalink reads a fragment written by EncodePermalink (a leading "#"
// is allowed) and validates the scenario. Every failure is a *FieldError on
// the field "permalink", or on the scenario field that is wrong.
func DecodePermalink(fragment string) (Scenario, error) {
	fragment = strings.TrimPrefix(fragment, "#")
	fail := func(format string, args ...any) (Scenario, error) {
		return Scenario{}, &FieldError{Field: "permalink", Problem: fmt.Sprintf(format, args...)}
	}
	if len(fragment) > MaxPermalinkBytes {
		return fail("the link is %d bytes long, more than the %d a corsplay link can be", len(fragment), MaxPermalinkBytes)
	}
	payload, ok := strings.CutPrefix(fragment, PermalinkPrefix)
	if !ok {
		return fail("this is not a corsplay link: it should start with #%s", PermalinkPrefix)
	}
	compressed, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return fail("the link is damaged (not base64url): %v", err)
	}
	data, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(compressed)), MaxInputBytes+1))
	if err != nil {
		return fail("the link is damaged (not compressed data): %v", err)
	}
	if len(data) > MaxInputBytes {
		return fail("the link expands to more than %d bytes", MaxInputBytes)
	}
	return DecodeOne(data)
}
