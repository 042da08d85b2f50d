//go:build !wasm

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/app"
	"corsplay/internal/goappjs"
)

// serve runs the page's server and, next to it, the live lab (lab.go) on
// its origins until SIGINT or SIGTERM, then shuts them down gracefully.
func serve(args []string) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fl.String("addr", envOr("CORSPLAY_ADDR", "localhost:8080"), "address to listen on (env CORSPLAY_ADDR)")
	labAddr := fl.String("lab-addr", os.Getenv("CORSPLAY_LAB_ADDR"), "address of the live lab (env CORSPLAY_LAB_ADDR; default: the page's host, next port)")
	noLab := fl.Bool("no-lab", false, "serve the page without the live lab")
	labOrigin := fl.String("lab-origin", os.Getenv("CORSPLAY_LAB_ORIGIN"), "the lab's origin as browsers reach it (env CORSPLAY_LAB_ORIGIN; default: http:// and the lab's address)")
	pageOrigin := fl.String("page-origin", os.Getenv("CORSPLAY_PAGE_ORIGIN"), "comma-separated origins of the page, which may read the lab's records (env CORSPLAY_PAGE_ORIGIN; default: http:// and -addr)")
	domain := fl.String("domain", os.Getenv("CORSPLAY_DOMAIN"), "the public host name, for link previews: og:url and og:image (env CORSPLAY_DOMAIN)")
	labRate := fl.Float64("lab-rate", 20, "lab requests per second per client IP (0: no limit)")
	labBurst := fl.Int("lab-burst", 60, "lab requests a client IP may send at once")
	labMoreAddr := fl.String("lab-more-addr", os.Getenv("CORSPLAY_LAB_MORE_ADDR"), "comma-separated addresses of the lab's other origins, which a scenario's redirects to other origins reach (env CORSPLAY_LAB_MORE_ADDR; default: the lab's host, the 2 ports after the lab's; none: no other origin)")
	labMoreOrigin := fl.String("lab-more-origin", os.Getenv("CORSPLAY_LAB_MORE_ORIGIN"), "comma-separated origins of those as browsers reach them, in their order (env CORSPLAY_LAB_MORE_ORIGIN; default: http:// and each address)")
	maxConns := fl.Int("max-conns", defaultLimits.conns, "connections the page's port, and the lab's ports together, hold open at once; more wait their turn")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *maxConns < 1 {
		return fmt.Errorf("-max-conns %d: at least one connection is needed", *maxConns)
	}
	limits := defaultLimits
	limits.conns = *maxConns
	pageLn, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	var labLn net.Listener
	if !*noLab {
		explicit := *labAddr != ""
		if !explicit {
			*labAddr = nextPort(*addr)
		}
		labLn, err = net.Listen("tcp", *labAddr)
		switch {
		case err != nil && explicit:
			pageLn.Close()
			return fmt.Errorf("the lab: %w", err)
		case err != nil:
			log.Printf("corsplay: no live lab: %v (choose an address with -lab-addr, or -no-lab)", err)
		}
	}
	var moreLns []net.Listener
	var moreOrigins []string
	closeAll := func() {
		for _, ln := range append([]net.Listener{pageLn, labLn}, moreLns...) {
			if ln != nil {
				ln.Close()
			}
		}
	}
	if labLn != nil {
		var addrs []string
		moreLns, addrs, err = listenMore(*labMoreAddr, *labAddr)
		if err == nil {
			moreOrigins, err = moreOriginsFor(*labMoreOrigin, addrs, moreLns)
		}
		if err != nil {
			closeAll()
			return err
		}
	}
	pageOrigins := []string{originFor(*addr, pageLn)}
	if *pageOrigin != "" {
		pageOrigins = strings.Split(*pageOrigin, ",")
	}
	opts := []handlerOption{withDomain(*domain), withLimits(limits)}
	var servers []*http.Server
	var listeners []net.Listener
	if labLn != nil {
		if *labOrigin == "" {
			*labOrigin = originFor(*labAddr, labLn)
		}
		labOrigins := append([]string{*labOrigin}, moreOrigins...)
		lb := newLab(labOptions{pageOrigins: pageOrigins, origins: labOrigins, rate: *labRate, burst: *labBurst})
		opts = append(opts, withLab(*labOrigin, lb), withLabMore(moreOrigins...))
		for i, ln := range sharedLimit(append([]net.Listener{labLn}, moreLns...), limits.conns) {
			servers = append(servers, limits.server(lb.at(labOrigins[i])))
			listeners = append(listeners, ln)
		}
	}
	h, err := newHandler("web", opts...)
	if err != nil {
		closeAll()
		return err
	}
	servers = append([]*http.Server{limits.server(h)}, servers...)
	listeners = append([]net.Listener{limits.listener(pageLn)}, listeners...)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { errc <- srv.Serve(listeners[i]) }()
	}
	log.Printf("corsplay: serving %s", pageOrigins[0])
	if labLn != nil {
		more := ""
		if len(moreOrigins) > 0 {
			more = " (and, for redirects to other origins, " + strings.Join(moreOrigins, " ") + ")"
		}
		log.Printf("corsplay: live lab on %s%s", *labOrigin, more)
	}
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(servers))
	for i, srv := range servers {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = srv.Shutdown(shutdown) }()
	}
	wg.Wait()
	return errors.Join(append([]error{serveErr}, errs...)...)
}

// labMore is how many other origins the lab has by default: a redirect to
// another origin, then to a third (or back to the API's), as the
// scenarios of difftest's redirect corpus do.
const labMore = 2

// listenMore listens on the lab's other origins: the comma-separated
// addresses list, or by default labMore ports after the lab's address
// (any ports when the lab's is 0), skipping those that fail with a log
// line; "none" means none. It returns the listeners and their addresses.
func listenMore(list, labAddr string) ([]net.Listener, []string, error) {
	if list == "none" {
		return nil, nil, nil
	}
	explicit := list != ""
	var addrs []string
	if explicit {
		addrs = strings.Split(list, ",")
	} else {
		for a := labAddr; len(addrs) < labMore; {
			a = nextPort(a)
			addrs = append(addrs, a)
		}
	}
	var lns []net.Listener
	var bound []string
	for _, a := range addrs {
		ln, err := net.Listen("tcp", a)
		switch {
		case err != nil && explicit:
			for _, ln := range lns {
				ln.Close()
			}
			return nil, nil, fmt.Errorf("the lab's other origin: %w", err)
		case err != nil:
			log.Printf("corsplay: the lab has no other origin on %s: %v (redirects to other origins need one: choose addresses with -lab-more-addr)", a, err)
			continue
		}
		lns = append(lns, ln)
		bound = append(bound, a)
	}
	return lns, bound, nil
}

// moreOriginsFor is the origins of the lab's other listeners: the
// comma-separated list, one for each, or http:// and each address.
func moreOriginsFor(list string, addrs []string, lns []net.Listener) ([]string, error) {
	if list == "" {
		var out []string
		for i, ln := range lns {
			out = append(out, originFor(addrs[i], ln))
		}
		return out, nil
	}
	out := strings.Split(list, ",")
	if len(out) != len(lns) {
		return nil, fmt.Errorf("-lab-more-origin names %d origins for the lab's %d other addresses", len(out), len(lns))
	}
	return out, nil
}

// sharedLimit is lns with one limit of n connections open at once over
// all of them together (limits.listener's, shared): the lab's other
// origins hold no more connections, nor open files, than its one port
// did. A connection beyond it is accepted and waits, one per listener at
// most, the others in the kernel's backlog, until one closes.
func sharedLimit(lns []net.Listener, n int) []net.Listener {
	sem := make(chan struct{}, n)
	out := make([]net.Listener, len(lns))
	for i, ln := range lns {
		out[i] = &sharedLimitListener{Listener: ln, sem: sem, done: make(chan struct{})}
	}
	return out
}

type sharedLimitListener struct {
	net.Listener
	sem       chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// Accept accepts a connection, then waits for a place for it (a
// listener waiting for a place would hold one while no connection comes).
func (l *sharedLimitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	select {
	case l.sem <- struct{}{}:
		return &sharedLimitConn{Conn: c, release: func() { <-l.sem }}, nil
	case <-l.done:
		c.Close()
		return nil, net.ErrClosed
	}
}

func (l *sharedLimitListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.done) })
	return err
}

type sharedLimitConn struct {
	net.Conn
	releaseOnce sync.Once
	release     func()
}

func (c *sharedLimitConn) Close() error {
	err := c.Conn.Close()
	c.releaseOnce.Do(c.release)
	return err
}

// nextPort is addr with the next port number (a port of 0 stays 0: any).
func nextPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	n, err := strconv.Atoi(port)
	if err != nil || n == 0 || n >= 65535 {
		return net.JoinHostPort(host, port)
	}
	return net.JoinHostPort(host, strconv.Itoa(n+1))
}

// originFor is the http origin browsers reach a listener on: the host as
// configured (localhost when none or an unspecified address), the port as
// bound.
func originFor(addr string, ln net.Listener) string {
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return "http://" + net.JoinHostPort(host, port)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// handlerOption configures newHandler.
type handlerOption func(*handlerConfig)

type handlerConfig struct {
	labOrigin string
	labMore   []string
	lab       http.Handler
	metaCSP   bool
	domain    string
	limits    serverLimits
}

// withLimits gives the page's responses the server's write limits (the
// deadline that moves on while a client reads); defaultLimits without it.
func withLimits(l serverLimits) handlerOption {
	return func(c *handlerConfig) { c.limits = l }
}

// withDomain names the public host, which link previews (og:url,
// og:image) need in full.
func withDomain(domain string) handlerOption {
	return func(c *handlerConfig) { c.domain = domain }
}

// withMetaCSP also puts the Content-Security-Policy in the pages, first
// in their <head> (pageHead), for static hosts that send no headers of
// ours.
func withMetaCSP() handlerOption {
	return func(c *handlerConfig) { c.metaCSP = true }
}

// withLabMore tells the page the lab's other origins, which a redirect to
// another origin reaches: go-app's environment CORSPLAY_LAB_MORE (space
// separated) and the Content-Security-Policy's connect-src, which a
// fetch's redirects are checked against too.
func withLabMore(origins ...string) handlerOption {
	return func(c *handlerConfig) { c.labMore = origins }
}

// withLab tells the page where the live lab answers: go-app's environment
// CORSPLAY_LAB (app.Getenv) and the Content-Security-Policy's connect-src.
// A non-nil lab also answers /lab/ on the page's own origin, for the
// same-origin scenarios (CORSPLAY_LAB_HERE): the same handler, so a run
// recorded there reads back from the lab's origin.
func withLab(origin string, lab http.Handler) handlerOption {
	return func(c *handlerConfig) { c.labOrigin, c.lab = origin, lab }
}

// newHandler serves the playground from webDir (app.wasm, its compressed
// twins, app.css and the icons): the prerendered page, go-app's files, and
// app.wasm in the best encoding the browser accepts. Without withLab the
// page runs without the live lab (CORSPLAY_LAB is empty).
func newHandler(webDir string, opts ...handlerOption) (http.Handler, error) {
	cfg := handlerConfig{limits: defaultLimits}
	for _, o := range opts {
		o(&cfg)
	}
	files, err := openWebFiles(webDir)
	if err != nil {
		return nil, err
	}
	wasm, err := files.stat("app.wasm")
	if err != nil {
		return nil, fmt.Errorf("%s: %w: build it first with `make run` (or `make wasm`)", webDir, err)
	}
	app.Register()
	page := &goapp.Handler{
		Name:        "corsplay",
		ShortName:   "corsplay",
		Domain:      cfg.domain,
		Title:       "corsplay — the CORS playground",
		Description: "See why the browser blocks a cross-origin fetch(), step by step, and the smallest fix: a CORS engine proven against Chromium, running in your browser.",
		Lang:        "en",
		Icon: goapp.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			SVG:      "/web/icon.svg",
			Maskable: "/web/icon-maskable-512.png", // full-bleed, the arrows inside the safe zone
		},
		BackgroundColor:   "#ffffff",
		ThemeColor:        "#0969da",
		Styles:            []string{"/web/app.css"},
		LoadingLabel:      "Loading the CORS engine… {progress}%",
		Version:           files.version,
		WasmContentLength: fmt.Sprint(wasm.Size()),
		Resources:         files,
		Env:               map[string]string{"CORSPLAY_LAB": cfg.labOrigin, "CORSPLAY_LAB_MORE": strings.Join(cfg.labMore, " ")},
	}
	if cfg.lab != nil {
		page.Env["CORSPLAY_LAB_HERE"] = "1"
	}
	head := pageHead{next: page}
	if cfg.metaCSP {
		head.first = `<meta http-equiv="Content-Security-Policy" content="` + html.EscapeString(contentSecurityPolicy(append([]string{cfg.labOrigin}, cfg.labMore...)...)) + `">`
	}
	for _, js := range []string{"psl.js", "link.js", "lab.js", "drop.js"} {
		if _, err := files.stat(js); err == nil {
			page.Scripts = append(page.Scripts, "/web/"+js)
		}
	}
	// app.js loads app.wasm with streaming compilation (internal/goappjs).
	routes := pageRoutes{pages: goappjs.Handler(head), web: &wasmServer{files: files}, limits: cfg.limits}
	h := securityHeaders(routes, contentSecurityPolicy(append([]string{cfg.labOrigin}, cfg.labMore...)...))
	if cfg.lab == nil {
		return h, nil
	}
	// The lab answers with exactly the scenario's headers, not the page's
	// (and with the path as sent: no ServeMux cleaning), and its own
	// methods.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/lab/") {
			cfg.lab.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}), nil
}

// goappPaths are the paths the page needs of go-app: its pages
// (app.Register's routes) and the files it generates. go-app answers more
// — aliases (/goapp.js, /manifest.json, /app.wasm, /goapp.wasm), any path
// under /{Version}/, and /robots.txt, /sitemap.xml and /ads.txt, which it
// fetches from whatever host the request's Host header names (a
// server-side request anywhere) — and none of it is served.
var goappPaths = map[string]bool{
	"/": true, embedPath: true, embedPath + "/": true,
	"/app.js": true, "/app-worker.js": true, "/wasm_exec.js": true, "/app.css": true, "/manifest.webmanifest": true,
}

// pageRoutes answers GET and HEAD (405 otherwise, RFC 9110 §15.5.6) for
// goappPaths and /web/…, and 404 for any other path. Bodies are written
// with limits' moving write deadline.
type pageRoutes struct {
	pages, web http.Handler
	limits     serverLimits
}

func (p pageRoutes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: the page answers GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	w = p.limits.progressive(w)
	switch {
	case strings.HasPrefix(r.URL.Path, "/web/"):
		p.web.ServeHTTP(w, r)
	case goappPaths[r.URL.Path]:
		p.pages.ServeHTTP(w, r)
	default:
		http.NotFound(w, r)
	}
}

// contentSecurityPolicy is as strict as go-app allows: its own scripts and
// styles, WebAssembly compilation, no remote source but the live lab's
// origins for fetch() (and its redirects). Framing is securityHeaders' to
// say, per page.
func contentSecurityPolicy(labOrigins ...string) string {
	connect := "'self'"
	for _, o := range labOrigins {
		if o != "" {
			connect += " " + o
		}
	}
	return "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
		"img-src 'self' data:; connect-src " + connect + "; worker-src 'self'; manifest-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'none'"
}

// embedPath is the read-only view any site may frame (app/embed.go).
const embedPath = "/embed"

// securityHeaders adds the hardening headers to every response: the
// Content-Security-Policy, nosniff, no referrer, and framing: /embed (and
// /embed/, its address on static hosts) by any site, everything else by
// none (frame-ancestors, and X-Frame-Options for browsers without CSP).
func securityHeaders(next http.Handler, csp string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.URL.Path == embedPath || r.URL.Path == embedPath+"/" {
			h.Set("Content-Security-Policy", csp+"; frame-ancestors *")
		} else {
			h.Set("Content-Security-Policy", csp+"; frame-ancestors 'none'")
			h.Set("X-Frame-Options", "DENY")
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// wasmServer answers /web/app.wasm and /web/psl.js with the precompressed
// twin the browser accepts (.br, then .gz), and everything else as files
// does.
type wasmServer struct {
	files *webFiles
}

func (s *wasmServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/web/")
	typ, ok := precompressed[name]
	if !ok {
		s.files.ServeHTTP(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("Vary", "Accept-Encoding")
	for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if _, err := s.files.stat(name + enc.ext); err == nil && accepts(r.Header.Get("Accept-Encoding"), enc.token) {
			s.files.serve(w, r, name+enc.ext, enc.token)
			return
		}
	}
	s.files.serve(w, r, name, "")
}

// precompressed are the files of web/ that make wasm compresses
// (tools/precompress), and their types.
var precompressed = map[string]string{
	"app.wasm": "application/wasm",
	"psl.js":   "text/javascript; charset=utf-8",
}

// accepts reports whether an Accept-Encoding value allows token (q=0 is a
// refusal).
func accepts(acceptEncoding, token string) bool {
	for part := range strings.SplitSeq(acceptEncoding, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), token) {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") || strings.Contains(params, "q=0.")
		}
	}
	return false
}
