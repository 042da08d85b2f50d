// Package webdriver is a small client of classic W3C WebDriver over HTTP
// (https://www.w3.org/TR/webdriver2/): a session, navigation and Execute
// Async Script, what the differential suite needs of WebKitWebDriver.
package webdriver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// WaitReady polls base's /status until the driver says it is ready for a
// new session, or ctx ends.
func WaitReady(ctx context.Context, base string) error {
	var last error
	for {
		var status struct {
			Ready bool `json:"ready"`
		}
		last = call(ctx, http.MethodGet, base+"/status", nil, &status)
		if last == nil && status.Ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("webdriver at %s not ready: %v (last: %v)", base, ctx.Err(), last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Session is one WebDriver session.
type Session struct {
	url          string // base + "/session/" + id
	Capabilities map[string]any
}

// NewSession opens a session on the driver at base, asking for
// alwaysMatch capabilities.
func NewSession(ctx context.Context, base string, alwaysMatch map[string]any) (*Session, error) {
	var out struct {
		SessionID    string         `json:"sessionId"`
		Capabilities map[string]any `json:"capabilities"`
	}
	in := map[string]any{"capabilities": map[string]any{"alwaysMatch": alwaysMatch}}
	if err := call(ctx, http.MethodPost, base+"/session", in, &out); err != nil {
		return nil, err
	}
	return &Session{url: base + "/session/" + out.SessionID, Capabilities: out.Capabilities}, nil
}

// SetTimeouts sets how long a script and a page load may take.
func (s *Session) SetTimeouts(ctx context.Context, script, pageLoad time.Duration) error {
	return call(ctx, http.MethodPost, s.url+"/timeouts", map[string]int64{
		"script":   script.Milliseconds(),
		"pageLoad": pageLoad.Milliseconds(),
	}, nil)
}

// Navigate opens url in the current browsing context; with the default
// page load strategy ("normal") it returns once the page has loaded.
func (s *Session) Navigate(ctx context.Context, url string) error {
	return call(ctx, http.MethodPost, s.url+"/url", map[string]string{"url": url}, nil)
}

// ExecuteAsync runs script as a function body whose last argument is the
// callback that ends it, and returns the JSON value it was called with.
func (s *Session) ExecuteAsync(ctx context.Context, script string, args ...any) (json.RawMessage, error) {
	if args == nil {
		args = []any{}
	}
	var out json.RawMessage
	err := call(ctx, http.MethodPost, s.url+"/execute/async", map[string]any{"script": script, "args": args}, &out)
	return out, err
}

// Error is an error the driver answered with.
type Error struct {
	Status  int
	Code    string `json:"error"` // "no such window", "script timeout"…
	Message string `json:"message"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("webdriver: %s (HTTP %d): %s", e.Code, e.Status, e.Message)
}

// call sends in as JSON (when not nil) and decodes the answer's "value"
// into out (when not nil).
func call(ctx context.Context, method, url string, in, out any) error {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("webdriver: %s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("webdriver: %s %s: %w", method, url, err)
	}
	var envelope struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &envelope); err != nil {
		return fmt.Errorf("webdriver: %s %s: HTTP %d, not JSON: %.200q", method, url, resp.StatusCode, data)
	}
	if resp.StatusCode != http.StatusOK {
		e := &Error{Status: resp.StatusCode}
		if err := json.Unmarshal(envelope.Value, e); err != nil || e.Code == "" {
			return fmt.Errorf("webdriver: %s %s: HTTP %d: %.200q", method, url, resp.StatusCode, data)
		}
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(envelope.Value, out); err != nil {
		return fmt.Errorf("webdriver: %s %s: value: %w", method, url, err)
	}
	return nil
}
