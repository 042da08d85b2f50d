//go:build !wasm

package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestEditHead: first goes right after the <head> tag; og:url and
// og:image without a host are left out, whatever the order of their
// attributes, and with a host are kept; every other byte is copied as
// is, scripts and comments that look like tags included.
func TestEditHead(t *testing.T) {
	const first = `<meta http-equiv="Content-Security-Policy" content="default-src 'self'">`
	for _, tt := range []struct{ name, page, want string }{
		{
			"nothing to do",
			"<!doctype html>\n<html lang=\"en\">\n<head data-x=\"<head>\">\n<meta charset=\"UTF-8\">\n<title>a <head> & </head></title>\n<!-- <head> --><script>let s = \"</head>\";</script>\n</head>\n<body><head></head><meta property=\"og:url\" content=\"https://\"></body></html>\n",
			"<!doctype html>\n<html lang=\"en\">\n<head data-x=\"<head>\">" + first + "\n<meta charset=\"UTF-8\">\n<title>a <head> & </head></title>\n<!-- <head> --><script>let s = \"</head>\";</script>\n</head>\n<body><head></head><meta property=\"og:url\" content=\"https://\"></body></html>\n",
		},
		{
			"hostless previews",
			`<html><HEAD><meta content="https://" property="og:url"><meta property="og:image" content="https:///web/icon-512.png"/><meta property="og:title" content="t"><meta property="og:url" content="/embed"></head><body></body></html>`,
			`<html><HEAD>` + first + `<meta property="og:title" content="t"></head><body></body></html>`,
		},
		{
			"previews with a host",
			`<html><head><meta content="https://corsplay.example/embed" property="og:url"><meta property="og:image" content="https://corsplay.example/web/icon-512.png"></head></html>`,
			`<html><head>` + first + `<meta content="https://corsplay.example/embed" property="og:url"><meta property="og:image" content="https://corsplay.example/web/icon-512.png"></head></html>`,
		},
	} {
		got, err := editHead([]byte(tt.page), first)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: got %v\n%s\nwant\n%s", tt.name, err, got, tt.want)
		}
	}
	for _, page := range []string{"", "<html><body></body></html>", "<html><head><title>x</title>"} {
		if got, err := editHead([]byte(page), first); err == nil {
			t.Errorf("%q: %q, want an error", page, got)
		}
	}
}

// TestPageHeadResponses: pageHead edits a 200 text/html answer and sets
// its Content-Length; anything else passes as written (a script, a 304,
// an answer with nothing written, which net/http sends as an empty 200).
func TestPageHeadResponses(t *testing.T) {
	const page = `<html><head><meta property="og:url" content="https://"></head></html>`
	for _, tt := range []struct {
		name, contentType string
		status            int
		body              string
		want              string
		wantStatus        int
	}{
		{"a page", "text/html", 200, page, `<html><head><b></b></head></html>`, 200},
		{"a script", "application/javascript", 200, page, page, 200},
		{"a 304", "text/html", 304, "", "", 304},
		{"nothing written", "", 0, "", "", 200},
	} {
		h := pageHead{first: "<b></b>", next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tt.contentType != "" {
				w.Header().Set("Content-Type", tt.contentType)
				w.Header().Set("Content-Length", fmt.Sprint(len(tt.body)))
			}
			if tt.status != 0 {
				w.WriteHeader(tt.status)
			}
			io.WriteString(w, tt.body)
		})}
		r := get(t, h, "/")
		if got := body(t, r); r.StatusCode != tt.wantStatus || got != tt.want || tt.status == 200 && r.Header.Get("Content-Length") != fmt.Sprint(len(tt.want)) {
			t.Errorf("%s: %d %v %q, want %d %q", tt.name, r.StatusCode, r.Header, got, tt.wantStatus, tt.want)
		}
	}
}

// TestStaticPolicyFirst: in each page of the static folder the
// Content-Security-Policy <meta> is the first element of <head> (a meta
// policy does not cover what precedes it, CSP Level 3 §3.3), there is
// only one, it lets the page fetch() the lab, and the charset declaration
// still ends within the first 1024 bytes (HTML §4.2.5.4).
func TestStaticPolicyFirst(t *testing.T) {
	dir := t.TempDir()
	if err := staticExport("web", dir, "https://lab.corsplay.example", ""); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.html", "embed.html", "embed/index.html"} {
		page, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(strings.NewReader(string(page)))
		if err != nil {
			t.Fatal(err)
		}
		head := find(doc, func(n *html.Node) bool { return n.Data == "head" })
		if head == nil {
			t.Fatalf("%s: no <head>", name)
		}
		var firstTag *html.Node
		for c := head.FirstChild; c != nil && firstTag == nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				firstTag = c
			}
		}
		if firstTag == nil || firstTag.Data != "meta" || attr(firstTag, "http-equiv") != "Content-Security-Policy" {
			t.Errorf("%s: the first element of <head> is %v", name, firstTag)
		} else if csp := attr(firstTag, "content"); !strings.HasPrefix(csp, "default-src 'self'; script-src 'self' 'wasm-unsafe-eval';") || !strings.Contains(csp, "connect-src 'self' https://lab.corsplay.example;") {
			t.Errorf("%s: the policy is %q", name, csp)
		}
		if n := strings.Count(strings.ToLower(string(page)), "http-equiv=\"content-security-policy\""); n != 1 {
			t.Errorf("%s: %d policies", name, n)
		}
		if end := strings.Index(string(page), `<meta charset="UTF-8">`); end < 0 || end+len(`<meta charset="UTF-8">`) > 1024 {
			t.Errorf("%s: the charset declaration ends at byte %d", name, end+len(`<meta charset="UTF-8">`))
		}
	}
}

// TestLinkPreviewsNeedADomain: without a domain, the served and the
// exported pages leave og:url and og:image out rather than write an
// address without a host; the other previews stay.
func TestLinkPreviewsNeedADomain(t *testing.T) {
	h, err := newHandler("web")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := staticExport("web", dir, "", ""); err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{"served /": body(t, get(t, h, "/")), "served /embed": body(t, get(t, h, "/embed"))}
	for _, name := range []string{"index.html", "embed.html", "embed/index.html"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		pages[name] = string(b)
	}
	for name, page := range pages {
		og := openGraph(page)
		if _, ok := og["og:url"]; ok {
			t.Errorf("%s: og:url %q", name, og["og:url"])
		}
		if _, ok := og["og:image"]; ok {
			t.Errorf("%s: og:image %q", name, og["og:image"])
		}
		if og["og:title"] == "" || og["og:type"] != "website" {
			t.Errorf("%s: the other link previews are gone: %v", name, og)
		}
	}
}

func find(n *html.Node, ok func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && ok(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, ok); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
