//go:build !wasm

package main

import (
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// serverLimits bound what one client can hold of a server (the page's or
// the lab's): time to send a request, time to take a response, time idle
// between requests, and the connections open at once. Tests shorten them.
type serverLimits struct {
	header time.Duration // to send a request's line and headers
	read   time.Duration // to send the whole request, body included
	// write is the time to take a response; for a body (a page, a file,
	// app.wasm) it starts again with every writeChunk bytes taken, up to
	// transfer in all: a client that stops reading is dropped after write,
	// a slow one that keeps reading gets app.wasm all the same.
	write    time.Duration
	transfer time.Duration
	idle     time.Duration // between two requests on a kept-alive connection
	conns    int           // connections open at once; more wait to be accepted
}

// defaultLimits. header, read, write and idle are the lab's since its
// start; transfer lets the slowest phone worth serving fetch app.wasm
// (1.46 MB brotli in 10 min is 19.5 kbit/s; a fixed 30 s write timeout
// would cut anything under 390 kbit/s); 512 connections per port keep
// both ports under the usual soft limit of 1024 open files, and headers
// (labMaxHeaderBytes each) under 35 MB per port.
var defaultLimits = serverLimits{
	header:   10 * time.Second,
	read:     30 * time.Second,
	write:    30 * time.Second,
	transfer: 10 * time.Minute,
	idle:     2 * time.Minute,
	conns:    512,
}

// writeChunk is what a client must take within limits.write for the
// deadline to move on: at least 1.1 KiB/s with the defaults.
const writeChunk = 32 << 10

// server is the http.Server for h. Both ports take at most
// labMaxHeaderBytes of headers (net/http's default is 1 MB), the page's
// because it serves /lab/ too: enough for a URL over labMaxURL to reach
// the lab, which answers 414 with a message; net/http answers 431 beyond.
func (l serverLimits) server(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.header,
		ReadTimeout:       l.read,
		WriteTimeout:      l.write,
		IdleTimeout:       l.idle,
		MaxHeaderBytes:    labMaxHeaderBytes,
	}
}

// listener holds connections beyond l.conns in the kernel's backlog until
// one closes.
func (l serverLimits) listener(ln net.Listener) net.Listener {
	return netutil.LimitListener(ln, l.conns)
}

// progressive returns w with a write deadline that moves on: each
// writeChunk bytes get l.write to be taken, and the whole response at
// most l.transfer from now. (http.Server's WriteTimeout is one deadline
// for the whole response; http.ResponseController moves it.)
func (l serverLimits) progressive(w http.ResponseWriter) http.ResponseWriter {
	return &progressWriter{ResponseWriter: w, rc: http.NewResponseController(w), write: l.write, end: time.Now().Add(l.transfer)}
}

type progressWriter struct {
	http.ResponseWriter
	rc    *http.ResponseController
	write time.Duration
	end   time.Time
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		chunk := b[:min(len(b), writeChunk)]
		deadline := time.Now().Add(p.write)
		if deadline.After(p.end) {
			deadline = p.end
		}
		// ErrNotSupported (a recorder, in tests and the static export):
		// nothing to time out.
		p.rc.SetWriteDeadline(deadline)
		m, err := p.ResponseWriter.Write(chunk)
		n += m
		if err != nil {
			return n, err
		}
		b = b[m:]
	}
	return n, nil
}

// Unwrap lets http.ResponseController reach the connection.
func (p *progressWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }
