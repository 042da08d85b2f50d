package difftest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"corsplay/engine"
)

// received is one request as the server saw it.
type received struct {
	Method    string
	URL       string // as the browser asked for it: scheme, host, path, query
	Preflight bool   // it carried Access-Control-Request-Method
	Header    http.Header
}

// wire serves scenarios' responses byte for byte, from four loopback
// origins: the page's origin (which also serves the test page), the API's,
// and two more that redirects reach. Requests to /s/ID/... are answered by
// scenario ID's server for that URL (engine.Scenario.ServerAt).
type wire struct {
	mu        sync.Mutex
	scenarios map[int]engine.Scenario
	log       map[int][]received
	page      string   // http://127.0.0.1:PORT of the page
	other     string   // http://localhost:PORT of the API
	more      []string // the origins elsewhere: http://localhost:PORT, http://127.0.0.1:PORT
	listeners []net.Listener
}

func newWire(t *testing.T) *wire {
	w := &wire{scenarios: map[int]engine.Scenario{}, log: map[int][]received{}}
	for i := 0; i < 4; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		w.listeners = append(w.listeners, ln)
		srv := &http.Server{Handler: w, ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
	}
	w.page = "http://" + w.listeners[0].Addr().String()
	// The other origin by name: Firefox drops a cached preflight to an IP
	// literal once its DNS entry is refreshed (CORSCacheEntry::CheckDNSCache),
	// which users, who call APIs by name, never see.
	w.other = "http://localhost:" + strings.TrimPrefix(w.listeners[1].Addr().String(), "127.0.0.1:")
	// Another host name's origin (cross-origin, same-site with the API),
	// and another port of the page's host (cross-origin, same-site with
	// the page).
	w.more = []string{"http://localhost:" + strings.TrimPrefix(w.listeners[2].Addr().String(), "127.0.0.1:"), "http://" + w.listeners[3].Addr().String()}
	return w
}

const pageScript = `
window.fetchOnce = async function (req) {
  const init = {method: req.method, headers: req.headers, credentials: req.credentials, mode: req.mode};
  if (req.redirect) init.redirect = req.redirect;
  if (req.body !== null && req.body !== undefined) init.body = req.body;
  try {
    const r = await fetch(req.url, init);
    const names = [];
    for (const [k] of r.headers) names.push(k);
    return {state: "resolved", type: r.type, status: r.status, headers: names};
  } catch (e) {
    return {state: "rejected", name: e.name, message: e.message};
  }
};
window.runOne = async function (req, id) {
  console.log("` + runMarker + `" + id);
  const out = await fetchOnce(req);
  console.log("` + doneMarker + `" + id);
  return out;
};
window.runRepeat = async function (req, times) {
  const t0 = performance.now();
  const out = [];
  for (const at of times) {
    const wait = t0 + at * 1000 - performance.now();
    if (wait > 0) await new Promise(r => setTimeout(r, wait));
    out.push(await fetchOnce(req));
  }
  return out;
};
window.runAllRepeats = list => Promise.all(list.map(x => runRepeat(x.req, x.times)));
`

// cookieKinds are the cookies /cookie sets: without SameSite (Lax by
// default), and SameSite=None; Secure (loopback counts as secure).
var cookieKinds = []string{"plain=1; Path=/", "none=1; Path=/; SameSite=None; Secure"}

func (w *wire) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/page", "/page-null":
		if r.URL.Path == "/page-null" {
			// An opaque origin, as in a sandboxed iframe.
			rw.Header().Set("Content-Security-Policy", "sandbox allow-scripts")
		}
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(rw, "<!doctype html><title>difftest</title><link rel=icon href=data:,><script>%s</script>", pageScript)
		return
	}
	if r.URL.Path == "/cookie" {
		// A first-party visit to the API's site that sets cookies of each
		// kind a session cookie comes in.
		for _, c := range cookieKinds {
			rw.Header().Add("Set-Cookie", c)
		}
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(rw, "<!doctype html><title>difftest cookie</title><link rel=icon href=data:,><script>%s</script>", pageScript)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/s/")
	idStr, _, _ := strings.Cut(rest, "/")
	id, err := strconv.Atoi(idStr)
	full := "http://" + r.Host + r.URL.RequestURI()
	w.mu.Lock()
	s, known := w.scenarios[id]
	if ok && err == nil && known {
		w.log[id] = append(w.log[id], received{Method: r.Method, URL: full, Preflight: r.Header.Get("Access-Control-Request-Method") != "", Header: r.Header.Clone()})
	}
	w.mu.Unlock()
	if !ok || err != nil || !known {
		http.NotFound(rw, r)
		return
	}
	// Read the body before answering: a connection closed on unread data
	// is reset, and WebKit logs the reset.
	io.Copy(io.Discard, r.Body)
	// The engine's server side answers what Chromium really sent.
	req := engine.HTTPRequest{Method: r.Method, URL: r.URL.String()}
	for name, values := range r.Header {
		for _, v := range values {
			req.Headers = append(req.Headers, engine.Header{Name: name, Value: v})
		}
	}
	server, _ := s.ServerAt(full)
	out, err := server.Respond(req)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	writeRaw(rw, r.Method, out)
}

// writeRaw writes the response exactly as given: the status line, the header
// lines in order with their exact names and values, and a small body ended by
// closing the connection (so no framing header is added).
func writeRaw(rw http.ResponseWriter, method string, resp engine.Response) {
	conn, buf, err := rw.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	text := http.StatusText(resp.Status)
	if text == "" {
		text = "Status"
	}
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", resp.Status, text)
	body := `{"ok":true}`
	for _, h := range resp.Headers {
		fmt.Fprintf(buf, "%s: %s\r\n", h.Name, h.Value)
		if strings.EqualFold(h.Name, "Content-Length") {
			if n, err := strconv.Atoi(strings.TrimSpace(h.Value)); err == nil && n >= 0 && n < 1<<16 {
				body = strings.Repeat("x", n)
			}
		}
	}
	buf.WriteString("\r\n")
	if method != http.MethodHead && resp.Status != 204 && resp.Status != 304 {
		buf.WriteString(body)
	}
	buf.Flush()
}

func (w *wire) register(id int, s engine.Scenario) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.scenarios[id] = s
}

func (w *wire) received(id int) []received {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]received(nil), w.log[id]...)
}

// fetchResult is what the page's script saw.
type fetchResult struct {
	State   string   `json:"state"` // resolved | rejected
	Type    string   `json:"type"`
	Status  int      `json:"status"`
	Headers []string `json:"headers"`
	Name    string   `json:"name"`
	Message string   `json:"message"`
}

// jsRequest is the fetch() call as the page script takes it.
type jsRequest struct {
	URL         string      `json:"url"`
	Method      string      `json:"method"`
	Headers     [][2]string `json:"headers"`
	Body        *string     `json:"body"`
	Credentials string      `json:"credentials"`
	Mode        string      `json:"mode"`
	Redirect    string      `json:"redirect,omitempty"`
}

func toJS(r engine.Request) jsRequest {
	j := jsRequest{URL: r.URL, Method: r.Method, Body: r.Body, Credentials: r.Credentials, Mode: r.Mode, Redirect: r.Redirect, Headers: [][2]string{}}
	if j.Method == "" {
		j.Method = "GET"
	}
	if j.Credentials == "" {
		j.Credentials = engine.CredentialsSameOrigin
	}
	if j.Mode == "" {
		j.Mode = engine.ModeCORS
	}
	for _, h := range r.Headers {
		j.Headers = append(j.Headers, [2]string{h.Name, h.Value})
	}
	return j
}
