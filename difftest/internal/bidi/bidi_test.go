package bidi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// fakeBrowser answers "echo" with its params after an event naming them,
// "fail" with an error and "quit" by closing the connection; it answers in
// the reverse order of two commands sent together, to prove ids match.
func fakeBrowser(t *testing.T) string {
	srv := httptest.NewServer(websocket.Handler(func(ws *websocket.Conn) {
		var held []map[string]any
		for {
			var cmd struct {
				ID     int             `json:"id"`
				Method string          `json:"method"`
				Params json.RawMessage `json:"params"`
			}
			if websocket.JSON.Receive(ws, &cmd) != nil {
				return
			}
			switch cmd.Method {
			case "echo":
				websocket.JSON.Send(ws, map[string]any{"type": "event", "method": "log.entryAdded", "params": cmd.Params})
				held = append(held, map[string]any{"type": "success", "id": cmd.ID, "result": cmd.Params})
				if len(held) == 2 {
					websocket.JSON.Send(ws, held[1])
					websocket.JSON.Send(ws, held[0])
					held = nil
				}
			case "fail":
				websocket.JSON.Send(ws, map[string]any{"type": "error", "id": cmd.ID, "error": "no such frame", "message": "gone"})
			case "quit":
				ws.Close()
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func TestClient(t *testing.T) {
	var events []string
	got := make(chan struct{}, 10)
	c, err := Dial(fakeBrowser(t), func(method string, params json.RawMessage) {
		events = append(events, method+" "+string(params))
		got <- struct{}{}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	results := make([]string, 2)
	done := make(chan error, 2)
	for i, v := range []string{"a", "b"} {
		go func() {
			var out struct{ V string }
			err := c.Call(ctx, "echo", map[string]string{"v": v}, &out)
			results[i] = out.V
			done <- err
		}()
		<-got // the event: the command has arrived, send the next
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(results, []string{"a", "b"}) {
		t.Errorf("answers %q, want each command its own: [a b]", results)
	}
	if want := []string{`log.entryAdded {"v":"a"}`, `log.entryAdded {"v":"b"}`}; !slices.Equal(events, want) {
		t.Errorf("events %q, want %q", events, want)
	}

	var e *Error
	if err := c.Call(ctx, "fail", nil, nil); !errors.As(err, &e) || e.Code != "no such frame" || err.Error() != "bidi fail: no such frame: gone" {
		t.Errorf("an error answer: %v, want bidi fail: no such frame: gone", err)
	}
	if err := c.Call(ctx, "quit", nil, nil); err == nil || !strings.Contains(err.Error(), "connection ended") {
		t.Errorf("a command the browser quit on: %v, want the connection's end", err)
	}
	if err := c.Call(ctx, "echo", nil, nil); err == nil {
		t.Error("a command after the end: no error")
	}
}
