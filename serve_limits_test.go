//go:build !wasm

package main

import (
	"bufio"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServer is a server as serve runs one (serverLimits' http.Server on
// its listener) that tells which connections it closed.
type testServer struct {
	addr   string
	mu     sync.Mutex
	closed map[string]time.Time // by the client's address: when the server closed it
}

// startServer serves h on a loopback listener with limits, as serve does,
// and returns its address.
func startServer(t *testing.T, h http.Handler, limits serverLimits) string {
	t.Helper()
	return serveOn(t, listen(t), h, limits).addr
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func serveOn(t *testing.T, ln net.Listener, h http.Handler, limits serverLimits) *testServer {
	t.Helper()
	s := &testServer{addr: ln.Addr().String(), closed: map[string]time.Time{}}
	srv := limits.server(h)
	srv.ConnState = func(c net.Conn, state http.ConnState) {
		if state == http.StateClosed {
			s.mu.Lock()
			s.closed[c.RemoteAddr().String()] = time.Now()
			s.mu.Unlock()
		}
	}
	go srv.Serve(limits.listener(ln))
	t.Cleanup(func() { srv.Close() })
	return s
}

// closedAfter waits up to within for the server to close conn, and
// returns how long after start it did; it fails the test if it did not.
func (s *testServer) closedAfter(t *testing.T, conn net.Conn, start time.Time, within time.Duration) time.Duration {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		s.mu.Lock()
		at, ok := s.closed[conn.LocalAddr().String()]
		s.mu.Unlock()
		if ok {
			return at.Sub(start)
		}
	}
	t.Fatalf("the server did not close the connection within %s", within)
	return 0
}

// quick limits for the slow clients: each test lengthens what it does
// not exercise. slack is what a loaded machine may add to a timeout.
var quick = serverLimits{
	header:   300 * time.Millisecond,
	read:     600 * time.Millisecond,
	write:    300 * time.Millisecond,
	transfer: time.Minute,
	idle:     300 * time.Millisecond,
	conns:    16,
}

const slack = 2 * time.Second

// ports are the two servers serve runs, each with limits: the page's
// (with its own /lab/) and the lab's. Their lab has no rate limit.
func ports(t *testing.T, limits serverLimits) map[string]*testServer {
	t.Helper()
	lb := newLab(labOptions{pageOrigins: []string{testPage}})
	h, err := newHandler(fakeWeb(t), withLab("http://localhost:8081", lb), withLimits(limits))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*testServer{"page": serveOn(t, listen(t), h, limits), "lab": serveOn(t, listen(t), lb, limits)}
}

// request sends a request (a request line and header lines) on conn and
// reads the response.
func request(t *testing.T, conn net.Conn, r *bufio.Reader, head string) *http.Response {
	t.Helper()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, head+"\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	method, _, _ := strings.Cut(head, " ")
	resp, err := http.ReadResponse(r, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%q: %v", head, err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatalf("%q: %v", head, err)
	}
	resp.Body.Close()
	return resp
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestIdleConnectionClosed: a kept-alive connection with no new request
// is closed after limits.idle, on both ports.
func TestIdleConnectionClosed(t *testing.T) {
	for name, srv := range ports(t, quick) {
		t.Run(name, func(t *testing.T) {
			conn := dial(t, srv.addr)
			request(t, conn, bufio.NewReader(conn), "GET "+labPath(t, raw200(), "/")+" HTTP/1.1")
			start := time.Now()
			if d := srv.closedAfter(t, conn, start, quick.idle+slack); d < quick.idle-50*time.Millisecond {
				t.Errorf("closed %s after the response, before the idle timeout %s", d, quick.idle)
			}
		})
	}
}

// TestSlowHeadersStopped: headers sent a byte every 50 ms are cut at
// limits.header, on both ports.
func TestSlowHeadersStopped(t *testing.T) {
	for name, srv := range ports(t, quick) {
		t.Run(name, func(t *testing.T) {
			conn := dial(t, srv.addr)
			start := time.Now()
			go func() {
				io.WriteString(conn, "GET "+labPath(t, raw200(), "/")+" HTTP/1.1\r\nHost: x\r\nX-Slow: ")
				for {
					if _, err := io.WriteString(conn, "a"); err != nil {
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}()
			if d := srv.closedAfter(t, conn, start, quick.header+slack); d < quick.header-50*time.Millisecond {
				t.Errorf("closed after %s, before the header timeout %s", d, quick.header)
			}
		})
	}
}

// TestSlowBodyStopped: a body sent a byte every 50 ms (1,000 bytes: 50 s)
// is cut at limits.read, where it is read (the lab, on both ports) and
// where it is not (a page route, which leaves net/http to discard it).
func TestSlowBodyStopped(t *testing.T) {
	servers := ports(t, quick)
	for _, tt := range []struct{ name, port, request string }{
		{"the page's /lab/", "page", "POST " + labPath(t, raw200(), "/") + " HTTP/1.1"},
		{"the lab", "lab", "POST " + labPath(t, raw200(), "/") + " HTTP/1.1"},
		{"a page route", "page", "GET /web/app.css HTTP/1.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := servers[tt.port]
			conn := dial(t, srv.addr)
			start := time.Now()
			go func() {
				io.WriteString(conn, tt.request+"\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
				for range 1000 {
					if _, err := io.WriteString(conn, "a"); err != nil {
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}()
			if d := srv.closedAfter(t, conn, start, quick.read+slack); d < quick.read-50*time.Millisecond {
				t.Errorf("closed after %s, before the read timeout %s", d, quick.read)
			}
		})
	}
}

// bigWasm is a web folder whose app.wasm is size random bytes.
func bigWasm(t *testing.T, size int) string {
	dir := fakeWeb(t)
	b := make([]byte, size)
	rand.Read(b)
	if err := os.WriteFile(filepath.Join(dir, "app.wasm"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// smallBuffers gives accepted connections a small send buffer, so that
// the kernel (megabytes on loopback) cannot take a whole download for a
// client that reads nothing.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(32 << 10)
	}
	return c, err
}

// TestDownloadDeadlineMoves: app.wasm's write deadline moves on while the
// client reads. A client that reads nothing is dropped after
// limits.write; one that reads steadily, for longer than limits.write and
// limits.read in all, gets the whole file; and none gets more than
// limits.transfer. limits.write is 1 s here: a client goroutine on a
// loaded machine may wait that long to run, and a stalled reader is
// dropped by design.
func TestDownloadDeadlineMoves(t *testing.T) {
	const size = 4 << 20
	web := bigWasm(t, size)
	for _, tt := range []struct {
		name     string
		read     bool          // 32 KiB every 10 ms (3.2 MB/s), from the start
		transfer time.Duration // limits.transfer
		whole    bool          // the whole file arrives
	}{
		{"a client that never reads", false, time.Minute, false},
		{"a slow client", true, time.Minute, true},
		{"a slow client past limits.transfer", true, 600 * time.Millisecond, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			limits := quick
			limits.write, limits.transfer = time.Second, tt.transfer
			h, err := newHandler(web, withLimits(limits))
			if err != nil {
				t.Fatal(err)
			}
			srv := serveOn(t, smallBuffers{listen(t)}, h, limits)
			conn := dial(t, srv.addr)
			conn.(*net.TCPConn).SetReadBuffer(32 << 10)
			start := time.Now()
			io.WriteString(conn, "GET /web/app.wasm HTTP/1.1\r\nHost: x\r\n\r\n")
			if !tt.read {
				if d := srv.closedAfter(t, conn, start, limits.write+slack); d < limits.write {
					t.Errorf("dropped after %s, before the write timeout %s", d, limits.write)
				}
			}
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			buf := make([]byte, 32<<10)
			for {
				m, err := io.ReadFull(resp.Body, buf)
				n += m
				if err != nil {
					if tt.whole && !errors.Is(err, io.EOF) {
						t.Errorf("after %d bytes: %v", n, err)
					}
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			took := time.Since(start)
			switch {
			case tt.whole && n != size:
				t.Errorf("%d bytes of %d", n, size)
			case tt.whole && took < max(limits.write, limits.read):
				t.Fatalf("the download took %s: too fast to show the deadline moves", took)
			case !tt.whole && n >= size:
				t.Errorf("all %d bytes arrived", n)
			}
			if tt.read && !tt.whole {
				if d := srv.closedAfter(t, conn, start, slack); d < tt.transfer {
					t.Errorf("cut after %s, before limits.transfer %s", d, tt.transfer)
				}
			}
		})
	}
}

// TestConnectionCap: with limits.conns open on a port, one more waits: it
// is answered only once one of them closes, on both ports.
func TestConnectionCap(t *testing.T) {
	limits := quick
	limits.idle, limits.conns = time.Minute, 2
	for name, srv := range ports(t, limits) {
		t.Run(name, func(t *testing.T) {
			var open []net.Conn
			for range limits.conns {
				conn := dial(t, srv.addr)
				request(t, conn, bufio.NewReader(conn), "GET "+labPath(t, raw200(), "/")+" HTTP/1.1")
				open = append(open, conn)
			}
			extra := dial(t, srv.addr)
			io.WriteString(extra, "GET "+labPath(t, raw200(), "/")+" HTTP/1.1\r\nHost: x\r\n\r\n")
			r := bufio.NewReader(extra)
			extra.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
			if _, err := r.Peek(1); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("connection %d was answered while %d were open (%v)", limits.conns+1, limits.conns, err)
			}
			open[0].Close()
			extra.SetReadDeadline(time.Now().Add(slack))
			resp, err := http.ReadResponse(r, nil)
			if err != nil {
				t.Fatalf("connection %d, once one closed: %v", limits.conns+1, err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("connection %d: %d", limits.conns+1, resp.StatusCode)
			}
		})
	}
}

// TestMaxConnsFlag: serve refuses a connection cap under 1.
func TestMaxConnsFlag(t *testing.T) {
	for _, n := range []string{"0", "-1"} {
		if err := serve([]string{"-addr", "127.0.0.1:0", "-max-conns", n}); err == nil || !strings.Contains(err.Error(), "-max-conns") {
			t.Errorf("-max-conns %s: %v", n, err)
		}
	}
}
