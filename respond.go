//go:build !wasm

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"corsplay/engine"
)

// exchange is the input of respond: a server and one incoming request.
type exchange struct {
	Server  engine.Server      `json:"server"`
	Request engine.HTTPRequest `json:"request"`
}

// answer is what the server answers, or the configuration error that keeps
// it from starting.
type answer struct {
	Status      int            `json:"status,omitempty"`
	Headers     engine.Headers `json:"headers,omitempty"`
	ConfigError string         `json:"configError,omitempty"`
}

// respond reads {"server": ..., "request": ...} or an array of them (FILE,
// or standard input when absent or "-") and prints what each server answers
// to each request. It returns the exit code: 2 for invalid input.
func respond(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name, data, code := readInput("respond", args, stdin, stderr)
	if code != 0 {
		return code
	}
	var many []json.RawMessage
	single := !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("["))
	if single {
		many = []json.RawMessage{data}
	} else if err := json.Unmarshal(data, &many); err != nil {
		fmt.Fprintf(stderr, "respond: %s: invalid JSON: %v\n", name, err)
		return 2
	}
	answers := make([]answer, len(many))
	for i, raw := range many {
		x, err := decodeExchange(raw)
		if err != nil {
			if !single {
				err = fmt.Errorf("[%d].%w", i, err)
			}
			fmt.Fprintf(stderr, "respond: %s: %v\n", name, err)
			return 2
		}
		resp, err := x.Server.Respond(x.Request)
		var ce *engine.ConfigError
		switch {
		case errors.As(err, &ce):
			answers[i] = answer{ConfigError: ce.Message}
		case err != nil:
			fmt.Fprintf(stderr, "respond: %s: %v\n", name, err)
			return 2
		default:
			answers[i] = answer{Status: resp.Status, Headers: resp.Headers}
		}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	var err error
	if single {
		err = enc.Encode(answers[0])
	} else {
		err = enc.Encode(answers)
	}
	if err != nil {
		fmt.Fprintf(stderr, "respond: %v\n", err)
		return 1
	}
	return 0
}

// decodeExchange reads and validates one exchange with the checks check
// uses: a server that validates, a token method, an absolute URL or a path,
// valid header lines.
func decodeExchange(raw []byte) (exchange, error) {
	var x exchange
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&x); err != nil {
		return x, fmt.Errorf("invalid JSON: %v", err)
	}
	s := engine.Scenario{V: engine.Version, Page: "null", Request: engine.Request{URL: "https://example.com/"}, Server: x.Server}
	if err := s.Validate(); err != nil {
		return x, err
	}
	if x.Request.Method == "" {
		x.Request.Method = "GET"
	}
	if !engine.IsToken(x.Request.Method) {
		return x, &engine.FieldError{Field: "request.method", Problem: fmt.Sprintf("%q is not a valid HTTP method", x.Request.Method)}
	}
	if x.Request.URL == "" {
		x.Request.URL = "/"
	}
	if len(x.Request.Headers) > engine.MaxHeaders {
		return x, &engine.FieldError{Field: "request.headers", Problem: fmt.Sprintf("%d headers, at most %d", len(x.Request.Headers), engine.MaxHeaders)}
	}
	for i, h := range x.Request.Headers {
		if !engine.IsToken(h.Name) || !engine.IsHeaderValue(h.Value) {
			return x, &engine.FieldError{Field: fmt.Sprintf("request.headers[%d]", i), Problem: fmt.Sprintf("%q is not a valid header line", h.Name+": "+h.Value)}
		}
	}
	return x, nil
}

// readInput reads FILE, or standard input for no argument or "-", up to
// the engine's input limit.
func readInput(cmd string, args []string, stdin io.Reader, stderr io.Writer) (name string, data []byte, code int) {
	if len(args) > 1 {
		fmt.Fprintf(stderr, "usage: corsplay %s [FILE]\n", cmd)
		return "", nil, 2
	}
	in := stdin
	name = "standard input"
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
			return "", nil, 2
		}
		defer f.Close()
		in, name = f, args[0]
	}
	data, err := io.ReadAll(io.LimitReader(in, engine.MaxInputBytes+1))
	if err != nil {
		fmt.Fprintf(stderr, "%s: reading %s: %v\n", cmd, name, err)
		return "", nil, 2
	}
	if len(data) > engine.MaxInputBytes {
		fmt.Fprintf(stderr, "%s: %s: more than %d bytes\n", cmd, name, engine.MaxInputBytes)
		return "", nil, 2
	}
	return name, data, 0
}
