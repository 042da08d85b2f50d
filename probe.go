//go:build !wasm

package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"corsplay/engine"
)

// Probe's bounds: a server under test answers within probeTimeout, with at
// most probeMaxHeaderBytes of status line and headers (the lab's own
// request cap) and probeMaxHeaderLines lines; probe reads no body.
const (
	probeTimeout        = 10 * time.Second
	probeMaxHeaderBytes = 64 << 10
	probeMaxHeaderLines = 100
)

// probeOrigin is the page origin probe assumes without -origin: the usual
// dev server of a frontend.
const probeOrigin = "http://localhost:3000"

// headerFlags collects repeated -H 'Name: value' flags.
type headerFlags engine.Headers

func (h *headerFlags) String() string { return fmt.Sprint(len(*h), " headers") }

func (h *headerFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("%q: write a header as 'Name: value'", v)
	}
	*h = append(*h, engine.Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	return nil
}

// probe sends what a browser sends for a fetch() to a server the user runs
// (the preflight, then the request itself), records both answers verbatim
// as a raw server, and prints every browser's verdict, its console line
// and a permalink. It follows no redirect: a redirect is recorded as it
// came. Exit code: 0 when the request is allowed in every browser, 1 when
// some browser refuses it or the server cannot be reached, 2 for bad
// arguments.
func probe(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("probe", flag.ContinueOnError)
	fl.SetOutput(stderr)
	origin := fl.String("origin", "", "the page's origin (default "+probeOrigin+")")
	method := fl.String("X", "GET", "the request's method")
	var headers headerFlags
	fl.Var(&headers, "H", "a request header 'Name: value' that script sets (repeatable)")
	body := fl.String("d", "", "the request's body")
	credentials := fl.Bool("credentials", false, `fetch with credentials: "include" (probe itself sends no cookie)`)
	timeout := fl.Duration("timeout", probeTimeout, "how long each answer may take")
	asJSON := fl.Bool("json", false, "print the scenario and every browser's outcome as JSON")
	pageURL := fl.String("page-url", "http://localhost:8080/", "where the playground runs, for the permalink")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: corsplay probe URL [-origin O] [-X METHOD] [-H 'Name: value']… [-d BODY] [-credentials]")
		fl.PrintDefaults()
	}
	// URL may come before or after the flags.
	var target string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		target, args = args[0], args[1:]
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	switch {
	case target == "" && fl.NArg() == 1:
		target = fl.Arg(0)
	case target == "" || fl.NArg() > 0:
		fl.Usage()
		return 2
	}
	s := engine.Scenario{V: engine.Version, Page: *origin, Request: engine.Request{URL: target, Method: *method, Headers: engine.Headers(headers)}}
	if s.Page == "" {
		s.Page = probeOrigin
		fmt.Fprintf(stderr, "probe: no -origin: assuming the page runs at %s\n", probeOrigin)
	}
	if fl.Lookup("d").Value.String() != "" {
		s.Request.Body = body
	}
	if *credentials {
		s.Request.Credentials = engine.CredentialsInclude
	}
	raw, err := json.Marshal(s)
	if err == nil {
		s, err = engine.DecodeOne(raw)
	}
	if err != nil {
		fmt.Fprintln(stderr, "probe:", err)
		return 2
	}

	if err := record(&s, *timeout); err != nil {
		fmt.Fprintln(stderr, "probe:", err)
		return 1
	}
	outcomes := map[string]engine.Outcome{}
	allowed := true
	for _, b := range []string{engine.Chrome, engine.Firefox, engine.Safari} {
		sb := s
		sb.Browser = b
		o := engine.Evaluate(sb)
		outcomes[b] = o
		allowed = allowed && o.Verdict == engine.Allowed
	}
	frag, err := engine.EncodePermalink(s)
	if err != nil {
		fmt.Fprintln(stderr, "probe:", err)
		return 1
	}
	link := strings.TrimSuffix(*pageURL, "#") + "#" + frag
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(struct {
			Scenario  engine.Scenario           `json:"scenario"`
			Outcomes  map[string]engine.Outcome `json:"outcomes"`
			Permalink string                    `json:"permalink"`
		}{s, outcomes, link})
	} else {
		printProbe(stdout, s, outcomes, link)
	}
	if !allowed {
		return 1
	}
	return 0
}

// record sends the preflight a browser would send, if any, then the
// request itself if the browser would send it, and writes the answers
// into s.Server.Raw. What is sent is what the engine says Chrome sends;
// Chrome, Firefox and Safari differ only in whether a few safelisted
// headers (Save-Data, DPR…) need a preflight.
func record(s *engine.Scenario, timeout time.Duration) error {
	s.Server = engine.Server{Raw: &engine.RawServer{}}
	out := engine.Evaluate(*s)
	if out.Verdict == engine.Error {
		return errors.New("the browser would not send this request: " + out.Console)
	}
	if out.Preflight != nil {
		resp, err := send(out.Preflight.Request, nil, timeout)
		if err != nil {
			return err
		}
		s.Server.Raw.Preflight = &resp
		out = engine.Evaluate(*s)
	}
	if out.Actual == nil {
		return nil // the preflight failed: a browser stops there
	}
	resp, err := send(out.Actual.Request, s.Request.Body, timeout)
	if err != nil {
		return err
	}
	s.Server.Raw.Actual = &resp
	return nil
}

// send writes req as HTTP/1.1 on a new connection and reads the status
// line and the header lines in wire order; it follows no redirect and
// reads no body.
func send(req engine.HTTPRequest, body *string, timeout time.Duration) (engine.Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return engine.Response{}, err
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme])
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", host)
	if err != nil {
		return engine.Response{}, fmt.Errorf("cannot reach %s: %v (is the server running?)", u.Host, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	if u.Scheme == "https" {
		tc := tls.Client(conn, &tls.Config{ServerName: u.Hostname(), NextProtos: []string{"http/1.1"}})
		if err := tc.HandshakeContext(ctx); err != nil {
			return engine.Response{}, fmt.Errorf("TLS with %s: %v", u.Host, err)
		}
		conn = tc
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, u.RequestURI(), u.Host)
	for _, h := range req.Headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h.Name, h.Value)
	}
	if _, ok := req.Headers.Get("Accept"); !ok {
		b.WriteString("Accept: */*\r\n") // as browsers send a preflight
	}
	b.WriteString("User-Agent: corsplay-probe\r\nConnection: close\r\n")
	if body != nil {
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(*body), *body)
	} else {
		b.WriteString("\r\n")
	}
	if _, err := io.WriteString(conn, b.String()); err != nil {
		return engine.Response{}, fmt.Errorf("sending %s %s: %v", req.Method, req.URL, err)
	}
	resp, err := readHead(bufio.NewReader(io.LimitReader(conn, probeMaxHeaderBytes)))
	if err != nil {
		return engine.Response{}, fmt.Errorf("the answer to %s %s: %v", req.Method, req.URL, err)
	}
	return resp, nil
}

// readHead reads an HTTP/1.x status line and header lines as they came,
// obsolete line folding joined to the line before.
func readHead(r *bufio.Reader) (engine.Response, error) {
	tp := textproto.NewReader(r)
	line, err := tp.ReadLine()
	if err != nil {
		return engine.Response{}, headErr(err)
	}
	proto, rest, _ := strings.Cut(line, " ")
	code, _, _ := strings.Cut(rest, " ")
	status, err := strconv.Atoi(code)
	if !strings.HasPrefix(proto, "HTTP/1.") || err != nil || status < 100 || status > 999 {
		return engine.Response{}, fmt.Errorf("not an HTTP/1.x status line: %q", line)
	}
	resp := engine.Response{Status: status, Headers: engine.Headers{}}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return engine.Response{}, headErr(err)
		}
		if line == "" {
			return resp, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			if n := len(resp.Headers); n > 0 {
				resp.Headers[n-1].Value = strings.TrimSpace(resp.Headers[n-1].Value + " " + strings.TrimSpace(line))
			}
			continue
		}
		if len(resp.Headers) == probeMaxHeaderLines {
			return engine.Response{}, fmt.Errorf("more than %d header lines", probeMaxHeaderLines)
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return engine.Response{}, fmt.Errorf("not a header line: %q", line)
		}
		resp.Headers = append(resp.Headers, engine.Header{Name: name, Value: strings.Trim(value, " \t")})
	}
}

func headErr(err error) error {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return errors.New("no answer in time")
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the connection ended before the headers did (at most %d bytes are read)", probeMaxHeaderBytes)
	}
	return err
}

// printProbe writes what was sent and received, each browser's verdict
// with its console line, and the permalink.
func printProbe(w io.Writer, s engine.Scenario, outcomes map[string]engine.Outcome, link string) {
	o := outcomes[engine.Chrome]
	for _, x := range []*engine.Exchange{o.Preflight, o.Actual} {
		if x == nil || x.Response == nil {
			continue
		}
		fmt.Fprintf(w, "> %s %s\n", x.Request.Method, x.Request.URL)
		for _, h := range x.Request.Headers {
			fmt.Fprintf(w, "> %s: %s\n", h.Name, h.Value)
		}
		fmt.Fprintf(w, "< %d\n", x.Response.Status)
		for _, h := range x.Response.Headers {
			fmt.Fprintf(w, "< %s: %s\n", h.Name, h.Value)
		}
		fmt.Fprintln(w)
	}
	for _, b := range []string{engine.Chrome, engine.Firefox, engine.Safari} {
		o := outcomes[b]
		fmt.Fprintf(w, "%-8s %s\n", b+":", o.Verdict)
		if o.Verdict != engine.Allowed && o.Console != "" {
			fmt.Fprintf(w, "         %s\n", o.Console)
		}
	}
	fmt.Fprintf(w, "\n%s\n", link)
}
