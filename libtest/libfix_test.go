//go:build linux

package libtest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"corsplay/engine"
)

// TestLibraryFixesRunForReal runs the code of each fix of libFixCases
// (libfix_corpus_test.go), before and after, as printed, in a real program
// with the real library (Flask-CORS under Debian's python3, rs/cors and
// jub0bs/cors built with go from the module, express cors under node),
// sends the browser's requests, and has the engine judge the real answers
// as a raw server: the request is blocked before and allowed after, and
// the real library answers as the emulation does.
func TestLibraryFixesRunForReal(t *testing.T) {
	began := time.Now()
	tools := exPrerequisites(t)
	dir := t.TempDir()
	procs := &exProcs{}
	t.Cleanup(procs.killAll)
	fixes := libFixes(t, "")
	type run struct {
		x      libFixed
		after  bool
		res    fixRun
		reqs   []engine.HTTPRequest
		expect engine.Outcome
	}
	var runs []*run
	for _, x := range fixes {
		runs = append(runs, &run{x: x, reqs: requests(x.before), expect: x.before}, &run{x: x, after: true, reqs: requests(x.after), expect: x.after})
	}
	sem := make(chan struct{}, max(2, runtime.NumCPU()))
	var wg sync.WaitGroup
	for i, r := range runs {
		code := r.x.fix.Code.Before
		if r.after {
			code = r.x.fix.Code.After
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r.res = runFixCode(tools, procs, filepath.Join(dir, strconv.Itoa(i)), r.x.c.lib, code, r.reqs)
		}()
	}
	wg.Wait()
	procs.killAll()

	for _, r := range runs {
		label := "before"
		code := r.x.fix.Code.Before
		if r.after {
			label, code = "after", r.x.fix.Code.After
		}
		t.Run(r.x.c.name+"/"+label, func(t *testing.T) {
			if r.res.err != nil {
				t.Fatalf("%v\n%s", r.res.err, code)
			}
			if ce := r.expect.ConfigError; ce != "" || r.res.refusal != "" {
				// The library refuses the configuration: the program stops
				// with the library's own words (jub0bs/cors's error,
				// Flask-CORS's ValueError), the emulation's ConfigError.
				if ce == "" || !strings.Contains(r.res.refusal, ce) {
					t.Fatalf("the program's refusal:\n%s\nthe emulation's: %q\n%s", r.res.refusal, ce, code)
				}
				return
			}
			// The real answers, as a raw server, for the same request.
			s := r.x.blocked
			if r.after {
				s = r.x.fixed
			}
			s = s.Clone()
			raw := &engine.RawServer{}
			for i, req := range r.reqs {
				a := r.res.answers[i]
				if engine.IsPreflight(req) {
					raw.Preflight = &a
				} else {
					raw.Actual = &a
				}
				if want, _ := (engine.Server{Library: s.Server.Library}).Respond(req); !sameCORS(a, want) {
					t.Errorf("%s: the real library answers %v\n  the emulation %v", req.Method, corsOnly(a), corsOnly(want))
				}
			}
			s.Server = engine.Server{Raw: raw}
			got := engine.Evaluate(s)
			if got.Verdict != r.expect.Verdict {
				t.Errorf("against the real library the request is %s (%s), the emulation says %s\n%s", got.Verdict, got.Console, r.expect.Verdict, code)
			}
		})
	}
	t.Logf("%d fixes run for real before and after (%d programs) in %v", len(fixes), len(runs), time.Since(began).Round(time.Millisecond))
}

// corsOnly keeps a response's status and CORS headers, in order.
func corsOnly(r engine.Response) engine.Response {
	out := engine.Response{Status: r.Status}
	for _, h := range r.Headers {
		if n := strings.ToLower(h.Name); n == "vary" || strings.HasPrefix(n, "access-control-") {
			out.Headers = append(out.Headers, engine.Header{Name: n, Value: h.Value})
		}
	}
	return out
}

func sameCORS(a, b engine.Response) bool {
	return exSame(exAnswerOf(a.Status, a.Headers), exAnswerOf(b.Status, b.Headers))
}

// fixRun is one program run: its answers to the requests, in order.
type fixRun struct {
	answers []engine.Response
	refusal string
	err     error
}

// fixPrograms wrap a library's call into a program listening on %d.
var fixPrograms = map[string]string{
	"flask-cors": `from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
%s


@app.route('/', defaults={'path': ''}, methods=['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
@app.route('/<path:path>', methods=['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
def api(path):
    return jsonify(ok=True)


app.run(host='127.0.0.1', port=%d)
`,
	"rs-cors": `package main

import (
	"log"
	"net/http"

	"github.com/rs/cors"
)

func main() {
	c := %s
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	log.Fatal(http.ListenAndServe("127.0.0.1:%d", c.Handler(api)))
}
`,
	"jub0bs-cors": `package main

import (
	"log"
	"net/http"

	"github.com/jub0bs/cors"
)

func main() {
	mw, err := %s
	if err != nil {
		log.Fatal(err)
	}
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	log.Fatal(http.ListenAndServe("127.0.0.1:%d", mw.Wrap(api)))
}
`,
	"express-cors": `const express = require('express');
const cors = require('cors');

const app = express();
app.use(%s);
app.all('/{*path}', (req, res) => res.status(200).end());
app.listen(%d, '127.0.0.1');
`,
}

// runFixCode writes the program around code, builds it if it is Go,
// starts it, sends reqs and stops it.
func runFixCode(tools *exTools, procs *exProcs, dir, lib, code string, reqs []engine.HTTPRequest) (res fixRun) {
	if res.err = os.MkdirAll(dir, 0o755); res.err != nil {
		return res
	}
	port, err := exPickPort()
	if err != nil {
		res.err = err
		return res
	}
	program := fmt.Sprintf(fixPrograms[lib], code, port)
	var cmd *exec.Cmd
	switch lib {
	case "flask-cors":
		file := filepath.Join(dir, "app.py")
		if res.err = os.WriteFile(file, []byte(program), 0o644); res.err != nil {
			return res
		}
		cmd = exec.Command(tools.python, file)
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	case "rs-cors", "jub0bs-cors":
		bin, err := (&exRun{dir: dir}).goBuild(tools, program)
		if err != nil {
			res.err = err
			return res
		}
		cmd = exec.Command(bin)
	case "express-cors":
		file := filepath.Join(dir, "app.js")
		if res.err = os.WriteFile(file, []byte(program), 0o644); res.err != nil {
			return res
		}
		cmd = exec.Command(tools.node, file)
		cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(tools.root, "node_modules"))
	}
	cmd.Dir = dir
	p, err := procs.start(cmd)
	if err != nil {
		res.err = err
		return res
	}
	defer p.kill()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		select {
		case <-p.done:
			res.refusal = p.out.String()
			return res
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			res.err = fmt.Errorf("%s did not listen on %s within 30 s:\n%s", lib, addr, p.out.String())
			return res
		}
	}
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, q := range reqs {
		u, err := url.Parse(q.URL)
		if err != nil {
			res.err = err
			return res
		}
		req, err := http.NewRequest(q.Method, "http://"+addr+u.RequestURI(), nil)
		if err != nil {
			res.err = err
			return res
		}
		for _, h := range q.Headers {
			req.Header.Add(h.Name, h.Value)
		}
		resp, err := client.Do(req)
		if err != nil {
			res.err = fmt.Errorf("%s: %v\n%s", q.Method, err, p.out.String())
			return res
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		a := engine.Response{Status: resp.StatusCode}
		for name, vals := range resp.Header {
			for _, v := range vals {
				a.Headers = append(a.Headers, engine.Header{Name: name, Value: v})
			}
		}
		res.answers = append(res.answers, a)
	}
	return res
}
