package engine

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"corsplay/engine/deflate"
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
	return PermalinkPrefix + deflateText(data), nil
}

// deflateText is base64url (no padding) of data compressed as raw DEFLATE
// (RFC 1951), which any DEFLATE reader decodes. It is written and read
// with engine/deflate, not compress/flate: about 9 KB less of app.wasm's
// brotli for the writer and 9.9 for the reader, and the presets' links come
// out as short.
func deflateText(data []byte) string {
	d := deflaters.Get().(*deflater)
	defer deflaters.Put(d)
	d.buf = d.enc.Encode(d.buf[:0], data)
	return base64.RawURLEncoding.EncodeToString(d.buf)
}

// A deflater is an encoder and its output, kept for the next deflateText:
// the page writes its link on every edit, and the encoder's hash chains and
// tokens (about 8 bytes per input byte) would otherwise be allocated, and
// reclaimed by the garbage collector, each time. What an encoder writes does not depend on
// what it wrote before.
type deflater struct {
	enc deflate.Encoder
	buf []byte
}

var deflaters = sync.Pool{New: func() any { return new(deflater) }}

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
	data, err := deflate.Inflate(compressed, MaxInputBytes)
	if errors.Is(err, deflate.ErrTooLarge) {
		return fail("the link expands to more than %d bytes", MaxInputBytes)
	}
	if err != nil {
		return fail("the link is damaged (not compressed data): %v", err)
	}
	return DecodeOne(data)
}
