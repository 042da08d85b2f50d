package evidence

import (
	"strconv"
	"strings"

	"corsplay/engine"
	"corsplay/internal/lazyre"
)

// This file reads what curl printed: -v's trace ("> " request lines, "< "
// response lines, "* " notes, curl 7 and 8, HTTP/1.1 and HTTP/2) and -i's
// response ("HTTP/1.1 200 OK", headers, a blank line, the body).

// wireExchange is one request curl sent and the response it got.
type wireExchange struct {
	method, target string
	headers        engine.Headers
	line           int
	response       *engine.Response
	responseLine   int
}

// curlOutput is what curl's output shows.
type curlOutput struct {
	exchanges []wireExchange
	tls       bool   // curl spoke TLS: the scheme is https
	url       string // the URL curl names in its notes, if any
}

func (o curlOutput) lastResponse() *engine.Response {
	for i := len(o.exchanges) - 1; i >= 0; i-- {
		if o.exchanges[i].response != nil {
			return o.exchanges[i].response
		}
	}
	return nil
}

var (
	curlRequestLine = lazyre.New(`^([A-Za-z!#$%&'*+.^_` + "`" + `|~-]+) (\S+) HTTP/[0-9.]+$`)
	curlStatusLine  = lazyre.New(`^HTTP/[0-9.]+ (\d{3})(?: .*)?$`)
	curlHeaderLine  = lazyre.New(`^([!#$%&'*+.^_` + "`" + `|~0-9A-Za-z-]+):[ \t]*(.*)$`)
	curlNoteURL     = lazyre.New(`(?:OPENED stream for|Issue another request to this URL: ')(https?://[^\s']+)`)
	curlNoteTLS     = lazyre.New(`^(?:SSL connection using|TLSv|ALPN|Server certificate|SSL certificate verify)`)
)

// readCurlOutput reads curl's output; first is the line number of its
// first line in the whole text, less one.
func readCurlOutput(text string, first int) (curlOutput, error) {
	var out curlOutput
	var cur *wireExchange
	// state: where the next line belongs.
	const (
		none = iota
		requestHeaders
		responseHeaders
	)
	state := none
	for i, raw := range strings.Split(text, "\n") {
		n := first + i + 1
		l := strings.TrimRight(raw, "\r")
		switch {
		case strings.HasPrefix(l, "* "):
			note := strings.TrimSpace(l[2:])
			if m := curlNoteURL.FindStringSubmatch(note); m != nil && out.url == "" {
				out.url = m[1]
			}
			if curlNoteTLS.MatchString(note) || strings.Contains(note, "[HTTP/2]") && strings.Contains(note, ":scheme: https") {
				out.tls = true
			}
			continue
		case l == ">" || l == "> ":
			state = none
			continue
		case strings.HasPrefix(l, "> "):
			t := l[2:]
			if m := curlRequestLine.FindStringSubmatch(t); m != nil {
				out.exchanges = append(out.exchanges, wireExchange{method: m[1], target: m[2], line: n})
				cur, state = &out.exchanges[len(out.exchanges)-1], requestHeaders
				continue
			}
			if m := curlHeaderLine.FindStringSubmatch(t); m != nil && state == requestHeaders && cur != nil {
				cur.headers = append(cur.headers, engine.Header{Name: m[1], Value: strings.TrimSpace(m[2])})
				continue
			}
			return out, errorAt(n, "curl's request line %q is neither \"METHOD /path HTTP/1.1\" nor a header", t)
		case l == "<" || l == "< ":
			state = none
			continue
		}
		// A response: "< HTTP/1.1 200 OK" (-v) or "HTTP/1.1 200 OK" (-i).
		t, verbose := strings.CutPrefix(l, "< ")
		if m := curlStatusLine.FindStringSubmatch(t); m != nil && (verbose || state != responseHeaders) {
			status, _ := strconv.Atoi(m[1])
			if status < 200 {
				state = responseHeaders // 100 Continue: its headers, then the real one
				continue
			}
			if cur == nil || cur.response != nil {
				out.exchanges = append(out.exchanges, wireExchange{line: n})
				cur = &out.exchanges[len(out.exchanges)-1]
			}
			cur.response, cur.responseLine, state = &engine.Response{Status: status, Headers: engine.Headers{}}, n, responseHeaders
			continue
		}
		if state == responseHeaders {
			if t == "" {
				state = none
				continue
			}
			if m := curlHeaderLine.FindStringSubmatch(t); m != nil && cur != nil && cur.response != nil {
				if len(cur.response.Headers) >= engine.MaxHeaders {
					return out, errorAt(n, "the response has more than %d headers, the most a scenario holds", engine.MaxHeaders)
				}
				cur.response.Headers = append(cur.response.Headers, engine.Header{Name: m[1], Value: strings.TrimSpace(m[2])})
				continue
			}
			if !verbose {
				state = none // the body
			}
		}
	}
	return out, nil
}

// importCurlOutput reads curl's output alone, without its command.
func importCurlOutput(text string) (Result, error) {
	out, err := readCurlOutput(text, 0)
	if err != nil {
		return Result{}, err
	}
	if len(out.exchanges) == 0 {
		return Result{}, ErrUnrecognised
	}
	// The request: the last one that is not a preflight; a preflight alone
	// stands for its request.
	var req, pre *wireExchange
	for i := range out.exchanges {
		e := &out.exchanges[i]
		switch {
		case e.method == "":
		case isPreflightRequest(e.method, e.headers):
			pre = e
		default:
			req = e
		}
	}
	s := seen{source: SourceCurlOutput, where: "curl's output", typed: true}
	main := req
	if main == nil {
		main = pre
	}
	if main == nil {
		// curl -i: responses only.
		e := out.exchanges[len(out.exchanges)-1]
		s.line = e.responseLine
		s.url = out.url
		s.actual = e.response
		if s.url == "" {
			s.url = assumedURL
			s.notes = append(s.notes, "curl -i prints only the response: run curl -v instead to show the request too.")
			r, err := s.scenario()
			if err == nil {
				r.Assumed = append([]Assumption{{"request.url", "curl -i prints only the response, not the URL: which URL did you call? corsplay assumed " + assumedURL + "."}}, r.Assumed...)
			}
			return r, err
		}
		return s.scenario()
	}
	s.line = main.line
	s.url = out.requestURL(*main)
	if req != nil {
		s.method, s.headers, s.actual = req.method, req.headers, req.response
	}
	if pre != nil {
		s.preflight = &exchangeSeen{headers: pre.headers, response: pre.response}
		if req != nil && !sameURL(out.requestURL(*pre), s.url) {
			s.notes = append(s.notes, "The preflight in curl's output asks about "+out.requestURL(*pre)+", another URL than the request's: corsplay kept both.")
		}
	}
	return s.scenario()
}

// requestURL rebuilds the URL of a request curl printed: its Host and
// path, https when curl spoke TLS.
func (o curlOutput) requestURL(e wireExchange) string {
	if strings.Contains(e.target, "://") {
		return e.target // through a proxy: the whole URL
	}
	if o.url != "" && strings.HasSuffix(o.url, e.target) {
		return o.url
	}
	host, ok := e.headers.Get("Host")
	if !ok {
		host, _ = e.headers.Get(":authority")
	}
	scheme := "http"
	if o.tls || strings.HasSuffix(host, ":443") {
		scheme = "https"
	}
	return scheme + "://" + host + e.target
}
