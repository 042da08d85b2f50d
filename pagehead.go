//go:build !wasm

package main

import (
	"bytes"
	"errors"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// pageHead edits the <head> of the pages go-app renders where go-app
// cannot be told to:
//
//   - first, when not empty, is put before anything else in it: go-app
//     writes its RawHeaders last, but a Content-Security-Policy <meta>
//     does not apply to what precedes it (CSP Level 3 §3.3: "policies in
//     meta elements are not applied to content which precedes them").
//   - a link preview address without a host is left out: without a
//     domain go-app writes og:url "https://" and og:image
//     "https:///web/…", where the Open Graph protocol (ogp.me) wants
//     absolute URLs; none is better than a broken one.
//
// Other responses (go-app's scripts, a 304) pass unchanged.
type pageHead struct {
	next  http.Handler
	first string
}

func (p pageHead) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &captured{header: w.Header()}
	p.next.ServeHTTP(c, r)
	if c.status == 0 {
		c.status = http.StatusOK // nothing written: net/http's default
	}
	body := c.body.Bytes()
	if c.status == http.StatusOK && strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		var err error
		if body, err = editHead(body, p.first); err != nil {
			log.Printf("corsplay: %s: %v", r.URL.Path, err)
			http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(c.status)
	w.Write(body)
}

// captured holds a response until it is edited.
type captured struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *captured) Header() http.Header { return c.header }

func (c *captured) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *captured) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	return c.body.Write(b)
}

// editHead puts first at the start of page's <head> and leaves out its
// link previews without a host. The rest of the page is copied byte for
// byte: the tokenizer's raw tokens, concatenated, are the input.
func editHead(page []byte, first string) ([]byte, error) {
	z := html.NewTokenizer(bytes.NewReader(page))
	var out bytes.Buffer
	read, inHead := 0, false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return nil, errors.New("no <head>…</head> in the page")
		}
		start := read
		read += len(z.Raw())
		name, hasAttr := z.TagName()
		switch {
		case tt == html.StartTagToken && string(name) == "head" && !inHead:
			inHead = true
			out.Write(page[start:read])
			out.WriteString(first)
			continue
		case tt == html.EndTagToken && string(name) == "head" && inHead:
			out.Write(page[start:])
			return out.Bytes(), nil
		case inHead && (tt == html.StartTagToken || tt == html.SelfClosingTagToken) && string(name) == "meta" && hasAttr && hostlessPreview(z):
			continue
		}
		out.Write(page[start:read])
	}
}

// hostlessPreview reports whether the current <meta> tag is an og:url or
// og:image whose content has no host.
func hostlessPreview(z *html.Tokenizer) bool {
	var property, content string
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch string(k) {
		case "property":
			property = string(v)
		case "content":
			content = string(v)
		}
	}
	if property != "og:url" && property != "og:image" {
		return false
	}
	u, err := url.Parse(content)
	return err != nil || u.Host == ""
}
