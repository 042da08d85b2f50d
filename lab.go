//go:build !wasm

package main

import (
	"container/list"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"corsplay/engine"
)

// The live lab: a second origin that answers the page's real fetch() the
// way the scenario's server says. The server travels in the URL,
//
//	/lab/{run}/{server}/{rest...}
//
// where run is a random id the page picks (16 to 32 of A-Z a-z 0-9 _ -),
// server is engine.EncodeLabPlan's text (or engine.EncodeLabServer's, a
// plan of one server) and rest is the scenario's path (with its query).
// The answer needs no state; only what the lab received is kept, per run,
// for the page to read back at GET /runs/{run}.
//
// Redirects: the lab answers on more than one origin (labOptions.origins,
// other ports of its host), all with the same handler, limits and records.
// A plan holds the scenario's servers elsewhere with their URLs on those
// origins, so whichever origin a hop reaches routes it as the scenario
// does (engine.LabPlan.ServerAt, on that origin and rest) with the same
// plan; a Location, a path or a URL on one of the lab's origins
// (engine.LabLocationAt), is sent with the run's own /lab/{run}/{server}
// prefix, so a redirect crosses the lab's origins for real (the browser
// taints Origin to null as it would) and never leaves the lab.
//
// Safety: the lab sends only engine.LabCheckResponse's allow-list, checked
// when the server is decoded and again for each response it writes (422
// otherwise); its body is a fixed JSON document; it fetches nothing; and
// requests are bounded (URL, header count, body read, rate per client IP).

// Lab limits.
const (
	labMaxURL           = 8 << 10  // bytes of request target: 414 above
	labMaxHeaders       = 100      // request header lines: 431 above
	labMaxBody          = 64 << 10 // bytes of request body read (and discarded)
	labMaxHeaderBytes   = 64 << 10 // http.Server.MaxHeaderBytes for the lab
	labRunTTL           = 5 * time.Minute
	labMaxRuns          = 1000
	labMaxPerRun        = 64
	labMaxRunBytes      = 256 << 10 // labMaxPerRun records of labMaxField bytes: only huge fields reach it
	labMaxStoreBytes    = 4 << 20
	labMaxField         = 4 << 10  // bytes kept of a recorded field (method, header value)
	labServerCache      = 256      // decoded servers kept (a cache, not state)
	labServerCacheBytes = 32 << 20 // and their engine.Server.Footprint in all
	labMaxClients       = 10000    // client IPs the rate limiter tracks
)

// labBody is the body of every scenario response.
const labBody = `{"lab":"corsplay","ok":true}`

// labOptions configure a lab.
type labOptions struct {
	// pageOrigins may read /runs/{run}: the first is the page's origin,
	// answered in Access-Control-Allow-Origin unless the request's Origin
	// is exactly another one of them (never reflected otherwise).
	pageOrigins []string
	// origins are the lab's own origins as browsers reach them: the
	// first is the page's CORSPLAY_LAB, the others those a redirect to
	// another origin reaches (CORSPLAY_LAB_MORE). A plan's servers and
	// Locations may name them and the page's origins (whose server
	// answers /lab/ too), no other.
	origins []string
	// rate is requests per second per client IP, burst the bucket size;
	// rate <= 0 turns the limit off.
	rate  float64
	burst int
	// now is the clock (tests inject one); nil means time.Now.
	now func() time.Time
}

// lab is the lab's http.Handler, on any of its origins: it tells them
// apart by the request's Host (see at for a listener of one origin).
type lab struct {
	opts    labOptions
	known   []string // the origins a plan may name: origins, then pageOrigins
	runs    *runStore
	limiter *rateLimiter
	servers serverCache
}

func newLab(o labOptions) *lab {
	if o.now == nil {
		o.now = time.Now
	}
	l := &lab{
		opts:    o,
		runs:    newRunStore(o.now, labRunTTL, labMaxRuns, labMaxPerRun, labMaxRunBytes, labMaxStoreBytes),
		limiter: newRateLimiter(o.now, o.rate, o.burst, labMaxClients),
	}
	for _, origin := range append(slices.Clone(o.origins), o.pageOrigins...) {
		if origin != "" && !slices.Contains(l.known, origin) {
			l.known = append(l.known, origin)
		}
	}
	l.servers = serverCache{m: map[string]*labServer{}, origins: l.known}
	return l
}

// at is the lab on one of its origins: a listener's handler, which knows
// the origin it answers whatever the Host header says.
func (l *lab) at(origin string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { l.serve(w, r, origin) })
}

// ServeHTTP answers on the known origin whose host is the request's Host
// (the page's own /lab/, and tests), or on none ("").
func (l *lab) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.serve(w, r, l.originOf(r.Host))
}

// originOf is the known origin of host (host[:port], as in a Host
// header), or "".
func (l *lab) originOf(host string) string {
	for _, o := range l.known {
		if u, err := url.Parse(o); err == nil && strings.EqualFold(u.Host, host) {
			return o
		}
	}
	return ""
}

// serve answers r, which came to the lab's origin own ("" when unknown).
func (l *lab) serve(w http.ResponseWriter, r *http.Request, own string) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if wait, ok := l.limiter.allow(clientIP(r)); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		labError(w, http.StatusTooManyRequests, "too many requests from your address: wait a moment")
		return
	}
	if len(r.RequestURI) > labMaxURL {
		labError(w, http.StatusRequestURITooLong, fmt.Sprintf("the URL is %d bytes, more than the %d the lab takes", len(r.RequestURI), labMaxURL))
		return
	}
	if n := headerLines(r.Header); n > labMaxHeaders {
		labError(w, http.StatusRequestHeaderFieldsTooLarge, fmt.Sprintf("%d request headers, more than the %d the lab takes", n, labMaxHeaders))
		return
	}
	// Read a little of any body, never use it.
	io.Copy(io.Discard, io.LimitReader(r.Body, labMaxBody))

	path := r.URL.EscapedPath()
	switch {
	case strings.HasPrefix(path, "/lab/"):
		l.serveScenario(w, r, strings.TrimPrefix(path, "/lab/"), own)
	case strings.HasPrefix(path, "/runs/"):
		l.serveRun(w, r, strings.TrimPrefix(path, "/runs/"))
	default:
		labError(w, http.StatusNotFound, "not found: the lab answers /lab/{run}/{server}/... and /runs/{run}")
	}
}

// headerLines counts the request's header lines (Host included).
func headerLines(h http.Header) int {
	n := 1
	for _, vs := range h {
		n += len(vs)
	}
	return n
}

// validRun reports whether id is a run id: 16 to 32 of A-Z a-z 0-9 _ -.
func validRun(id string) bool {
	if len(id) < 16 || len(id) > 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

const badRun = "the run id must be 16 to 32 letters, digits, _ or -"

// serveScenario answers /lab/{run}/{server}/{rest...}, which came to the
// lab's origin own, as the plan's server for that URL says.
func (l *lab) serveScenario(w http.ResponseWriter, r *http.Request, path, own string) {
	run, path, _ := strings.Cut(path, "/")
	text, rest, _ := strings.Cut(path, "/")
	if !validRun(run) {
		labError(w, http.StatusBadRequest, badRun)
		return
	}
	req := engine.HTTPRequest{Method: r.Method, URL: "/" + rest}
	if r.URL.RawQuery != "" || r.URL.ForceQuery {
		req.URL += "?" + r.URL.RawQuery
	}
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range r.Header[name] {
			req.Headers = append(req.Headers, engine.Header{Name: name, Value: v})
		}
	}
	rec := received{Method: field(r.Method), LabOrigin: own, Path: field(req.URL), Preflight: engine.IsPreflight(req), Cookie: len(r.Header.Values("Cookie")) > 0}
	rec.Origin = headerValue(r.Header, "Origin")
	rec.ACRM = headerValue(r.Header, "Access-Control-Request-Method")
	rec.ACRH = headerValue(r.Header, "Access-Control-Request-Headers")
	record := func(status int) {
		rec.Status = status
		l.runs.add(run, rec)
	}
	if l.answer(&recordingWriter{ResponseWriter: w, record: record}, text, "/lab/"+run+"/"+text, own, req) == 0 {
		// The emulated server does not answer at all (express and
		// CONNECT): neither does the lab, once the request is recorded.
		record(0)
		panic(http.ErrAbortHandler)
	}
}

// recordingWriter records the request, with its status, as the answer's
// head is written, before any of it can reach the client: the request a
// redirect leads to is always recorded after the redirect, even when it
// comes before the redirect's body is written (browsers follow on the
// head), on another of the lab's origins.
type recordingWriter struct {
	http.ResponseWriter
	record func(status int)
	done   bool
}

func (w *recordingWriter) WriteHeader(status int) {
	if !w.done {
		w.done = true
		w.record(status)
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// headerValue is the header's lines joined with ", " (a field), nil when
// absent.
func headerValue(h http.Header, name string) *string {
	vs := h.Values(name)
	if len(vs) == 0 {
		return nil
	}
	v := field(strings.Join(vs, ", "))
	return &v
}

// field is s as recorded: at most labMaxField bytes. Every recorded
// string is one, the method too: net/http takes any token as a method,
// as long as the header limit.
func field(s string) string {
	if len(s) > labMaxField {
		return s[:labMaxField]
	}
	return s
}

// answer writes the answer of the plan's server for req, which came to
// the lab's origin own, and returns the status written (0 when the server
// does not answer: the caller drops the connection). A Location, a path
// or a URL on one of the lab's origins (engine.LabLocationAt), is sent
// under prefix, the run's own: a redirect never leaves the lab.
func (l *lab) answer(w http.ResponseWriter, text, prefix, own string, req engine.HTTPRequest) int {
	plan := l.servers.get(text)
	if plan.status != 0 {
		labError(w, plan.status, plan.problem)
		return plan.status
	}
	srv := plan.at(own, req.URL)
	if srv.status != 0 {
		labError(w, srv.status, srv.problem)
		return srv.status
	}
	resp, err := srv.respond(req)
	if err != nil { // the budget ran out: the server's answer is unknown
		labError(w, http.StatusUnprocessableEntity, safeDetail(err))
		return http.StatusUnprocessableEntity
	}
	if resp.Status == 0 {
		return 0
	}
	if err := engine.LabCheckResponse(resp, l.known...); err != nil {
		labError(w, http.StatusUnprocessableEntity, "the lab refuses to send this response: "+safeDetail(err))
		return http.StatusUnprocessableEntity
	}
	h := w.Header()
	// Nothing but what the server says: no Date, no sniffed Content-Type.
	h["Date"] = nil
	h["Content-Type"] = nil
	spelling := map[string]string{}
	emptyBody := false
	for _, hd := range resp.Headers {
		lower := strings.ToLower(hd.Name)
		name, ok := spelling[lower]
		if !ok {
			name = hd.Name
			if lower == "content-type" || lower == "content-length" {
				// net/http frames by these keys only as spelt canonically.
				name = http.CanonicalHeaderKey(lower)
				h[name] = nil
			}
			spelling[lower] = name
		}
		v := hd.Value
		if lower == "location" {
			origin, path, _ := engine.LabLocationAt(v, l.known...)
			v = origin + prefix + path
		}
		h[name] = append(h[name], v)
		if lower == "content-length" {
			emptyBody = true // LabCheckResponse allows it as 0 only
		}
	}
	w.WriteHeader(resp.Status)
	if emptyBody || req.Method == http.MethodHead || resp.Status == http.StatusNoContent || resp.Status == http.StatusNotModified {
		return resp.Status
	}
	// Chunked rather than Content-Length, which script could read.
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	io.WriteString(w, labBody)
	return resp.Status
}

// labServer is a decoded lab plan: its servers' responders by name
// ("server", "elsewhere[i]"), or the error status and message the lab
// answers instead; bytes is about what it keeps in memory.
type labServer struct {
	plan       engine.LabPlan
	responders map[string]*labResponder
	status     int
	problem    string
	bytes      int
}

// labResponder is one server of a plan: its responder, or the error
// status and message the lab answers instead.
type labResponder struct {
	respond engine.Responder
	status  int
	problem string
}

// labMisdirected answers a plan that routes by origin on an origin the
// lab does not know.
var labMisdirected = &labResponder{status: http.StatusMisdirectedRequest,
	problem: "this request came to the lab under a host name it does not know as one of its origins, and the servers in this URL answer by origin"}

// at is the server that answers url (a path and query) on the lab's
// origin own.
func (s *labServer) at(own, url string) *labResponder {
	if s.plan.URL == "" && len(s.plan.Elsewhere) == 0 {
		return s.responders["server"]
	}
	if own == "" {
		return labMisdirected
	}
	srv, name := s.plan.ServerAt(own + url)
	if r, ok := s.responders[name]; ok {
		return r
	}
	// No server of the scenario's answers there: 404 without CORS.
	respond, err := srv.Responder()
	if err != nil {
		return &labResponder{status: http.StatusInternalServerError, problem: safeDetail(err)}
	}
	return &labResponder{respond: respond}
}

// serverCache keeps the last decoded plans by their text, at most
// labServerCache of them and labServerCacheBytes in all: the answer is the
// same without it, only faster. origins are the lab's (labOptions).
type serverCache struct {
	mu      sync.Mutex
	m       map[string]*labServer
	bytes   int
	origins []string
}

func (c *serverCache) get(text string) *labServer {
	c.mu.Lock()
	s, ok := c.m[text]
	c.mu.Unlock()
	if ok {
		return s
	}
	s = decodeLabServer(text, c.origins)
	s.bytes += len(text) + len(s.problem)
	c.mu.Lock()
	if len(c.m) >= labServerCache || c.bytes+s.bytes > labServerCacheBytes {
		clear(c.m)
		c.bytes = 0
	}
	c.m[text] = s
	c.bytes += s.bytes
	c.mu.Unlock()
	return s
}

// decodeLabServer decodes and checks a plan for a lab on origins.
func decodeLabServer(text string, origins []string) *labServer {
	plan, err := engine.DecodeLabPlan(text)
	if err != nil {
		return &labServer{status: http.StatusBadRequest, problem: "the server in this URL is not valid: " + safeDetail(err)}
	}
	if err := engine.LabCheckPlan(plan, origins...); err != nil {
		return &labServer{status: http.StatusUnprocessableEntity, problem: "the lab refuses to enact this server: " + safeDetail(err)}
	}
	s := &labServer{plan: plan, responders: map[string]*labResponder{}}
	servers := []engine.Server{plan.Server}
	for _, x := range plan.Elsewhere {
		servers = append(servers, x.Server)
	}
	for i, srv := range servers {
		name := "server"
		if i > 0 {
			name = fmt.Sprintf("elsewhere[%d]", i-1)
		}
		respond, err := srv.Responder()
		var ce *engine.ConfigError
		switch {
		case errors.As(err, &ce):
			s.responders[name] = &labResponder{status: http.StatusInternalServerError, problem: safeDetail(err)}
		case err != nil:
			return &labServer{status: http.StatusBadRequest, problem: "the server in this URL is not valid: " + safeDetail(err)}
		default:
			s.responders[name] = &labResponder{respond: respond}
		}
		s.bytes += srv.Footprint()
	}
	return s
}

// safeDetail is err's text when it is short printable ASCII without HTML
// syntax, else a plain sentence: a message never carries markup from the
// URL into a response.
func safeDetail(err error) string {
	s := err.Error()
	if len(s) > 400 {
		return "see the page for the details (the message is too long to send)"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '<' || c == '>' || c == '&' {
			return "see the page for the details (the message holds characters the lab does not send)"
		}
	}
	return s
}

// labError answers with a short text/plain message and no CORS header.
func labError(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h["Date"] = nil
	w.WriteHeader(status)
	io.WriteString(w, "corsplay lab: "+msg+"\n")
}

// serveRun answers GET /runs/{run} with what the lab received for the run,
// readable by the page's origin.
func (l *lab) serveRun(w http.ResponseWriter, r *http.Request, run string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		labError(w, http.StatusMethodNotAllowed, "GET /runs/{run} only")
		return
	}
	if !validRun(run) {
		labError(w, http.StatusBadRequest, badRun)
		return
	}
	requests, truncated := l.runs.get(run)
	if requests == nil {
		requests = []received{}
	}
	body, _ := json.Marshal(runRecord{Run: run, Requests: requests, Truncated: truncated})
	h := w.Header()
	if len(l.opts.pageOrigins) > 0 {
		acao := l.opts.pageOrigins[0]
		if o := r.Header.Get("Origin"); slices.Contains(l.opts.pageOrigins, o) {
			acao = o
		}
		h.Set("Access-Control-Allow-Origin", acao)
	}
	h.Set("Vary", "Origin")
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.Write(body)
}

// runRecord is GET /runs/{run}'s answer.
type runRecord struct {
	Run      string     `json:"run"`
	Requests []received `json:"requests"`
	// Truncated: more than labMaxPerRun requests, or labMaxRunBytes, came;
	// the first are kept.
	Truncated bool `json:"truncated"`
}

// received is one request the lab received for a run: never a cookie's
// value, only whether one came.
type received struct {
	Method string `json:"method"`
	// LabOrigin is the lab's origin the request came to ("" when
	// unknown), Path its path and query on the scenario's server: the URL
	// without the run's /lab/{run}/{server} prefix. Together they are the
	// URL of engine.Hop's request.
	LabOrigin string  `json:"labOrigin"`
	Path      string  `json:"path"`
	Preflight bool    `json:"preflight"`
	Origin    *string `json:"origin"` // null when absent
	ACRM      *string `json:"accessControlRequestMethod"`
	ACRH      *string `json:"accessControlRequestHeaders"`
	Cookie    bool    `json:"cookie"`
	Status    int     `json:"status"` // what the lab answered
}

func (r received) size() int {
	n := 96 + len(r.Method) + len(r.LabOrigin) + len(r.Path)
	for _, p := range []*string{r.Origin, r.ACRM, r.ACRH} {
		if p != nil {
			n += len(*p)
		}
	}
	return n
}

// runStore keeps what the lab received, per run id, in memory: a run lives
// ttl after its last request; at most maxRuns runs, maxPerRun requests and
// maxRunBytes each (then truncated) and maxBytes in all, the least
// recently written run evicted first.
type runStore struct {
	mu                              sync.Mutex
	now                             func() time.Time
	ttl                             time.Duration
	maxRuns, maxPerRun, maxRunBytes int
	maxLen                          int
	bytes                           int
	byID                            map[string]*list.Element
	order                           *list.List // of *runEntry, least recently written first
}

type runEntry struct {
	id        string
	updated   time.Time
	requests  []received
	truncated bool
	bytes     int
}

func newRunStore(now func() time.Time, ttl time.Duration, maxRuns, maxPerRun, maxRunBytes, maxBytes int) *runStore {
	return &runStore{now: now, ttl: ttl, maxRuns: maxRuns, maxPerRun: maxPerRun, maxRunBytes: maxRunBytes, maxLen: maxBytes,
		byID: map[string]*list.Element{}, order: list.New()}
}

func (s *runStore) add(id string, r received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expire(now)
	el, ok := s.byID[id]
	if !ok {
		el = s.order.PushBack(&runEntry{id: id, bytes: len(id)})
		s.byID[id] = el
		s.bytes += len(id)
	}
	e := el.Value.(*runEntry)
	e.updated = now
	s.order.MoveToBack(el)
	if len(e.requests) >= s.maxPerRun || e.bytes+r.size() > s.maxRunBytes {
		e.truncated = true
	} else {
		e.requests = append(e.requests, r)
		e.bytes += r.size()
		s.bytes += r.size()
	}
	for s.order.Len() > s.maxRuns || s.bytes > s.maxLen && s.order.Len() > 1 {
		s.remove(s.order.Front())
	}
}

// get returns a copy of the run's requests (nil when unknown or expired).
func (s *runStore) get(id string) ([]received, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(s.now())
	el, ok := s.byID[id]
	if !ok {
		return nil, false
	}
	e := el.Value.(*runEntry)
	return slices.Clone(e.requests), e.truncated
}

func (s *runStore) expire(now time.Time) {
	for el := s.order.Front(); el != nil && now.Sub(el.Value.(*runEntry).updated) > s.ttl; el = s.order.Front() {
		s.remove(el)
	}
}

func (s *runStore) remove(el *list.Element) {
	e := s.order.Remove(el).(*runEntry)
	delete(s.byID, e.id)
	s.bytes -= e.bytes
}

// stats reports the runs and bytes held (for tests).
func (s *runStore) stats() (runs, bytes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len(), s.bytes
}

// rateLimiter is a token bucket per client IP.
type rateLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	rate    float64
	burst   float64
	max     int
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(now func() time.Time, rate float64, burst, maxClients int) *rateLimiter {
	return &rateLimiter{now: now, rate: rate, burst: float64(max(burst, 1)), max: maxClients, buckets: map[string]*bucket{}}
}

// allow takes a token from ip's bucket, or says how long until one is
// there.
func (l *rateLimiter) allow(ip string) (time.Duration, bool) {
	if l.rate <= 0 {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[ip]
	if !ok {
		if len(l.buckets) >= l.max {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[ip] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / l.rate * float64(time.Second)), false
	}
	b.tokens--
	return 0, true
}

// prune forgets the clients whose bucket is full again (they are as new),
// and all of them if that is not enough.
func (l *rateLimiter) prune(now time.Time) {
	for ip, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, ip)
		}
	}
	if len(l.buckets) >= l.max {
		clear(l.buckets)
	}
}

// clientIP is the address the request came from (no proxy header is
// trusted).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
