// Package bidi is a small WebDriver BiDi client: commands over one
// WebSocket, each answered by its id, and events handed over in the order
// the browser sent them. https://w3c.github.io/webdriver-bidi/#protocol
package bidi

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/websocket"
)

// Client is one connection to a browser's BiDi endpoint.
type Client struct {
	ws      *websocket.Conn
	onEvent func(method string, params json.RawMessage)

	mu      sync.Mutex
	next    int
	pending map[int]chan message
	err     error         // why the connection ended, once it has
	done    chan struct{} // closed when the connection has ended
}

// message is any message from the browser: a command's answer (success or
// error) or an event.
type message struct {
	Type    string          `json:"type"`
	ID      *int            `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// Error is a command the browser answered with an error.
type Error struct {
	Command string // the command's method, e.g. "script.evaluate"
	Code    string // the error code, e.g. "no such frame"
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("bidi %s: %s: %s", e.Command, e.Code, e.Message)
}

// Dial connects to url (ws://host:port/session for a new session) and
// reads from it until Close. onEvent is called for every event, one at a
// time and in order, from the reading goroutine: it must not call the
// client.
func Dial(url string, onEvent func(method string, params json.RawMessage)) (*Client, error) {
	// x/net/websocket always sends an Origin; the browser must allow it
	// (Firefox: --remote-allow-origins).
	config, err := websocket.NewConfig(url, "http://127.0.0.1/")
	if err != nil {
		return nil, fmt.Errorf("bidi: dial %s: %w", url, err)
	}
	tcp, err := net.DialTimeout("tcp", config.Location.Host, 10*time.Second)
	if err != nil {
		return nil, fmt.Errorf("bidi: dial %s: %w", url, err)
	}
	tcp.SetDeadline(time.Now().Add(10 * time.Second)) // for the handshake
	ws, err := websocket.NewClient(config, quickAck{tcp.(*net.TCPConn)})
	if err != nil {
		tcp.Close()
		return nil, fmt.Errorf("bidi: dial %s: %w", url, err)
	}
	tcp.SetDeadline(time.Time{})
	c := &Client{ws: ws, onEvent: onEvent, pending: map[int]chan message{}, done: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *Client) read() {
	var err error
	for {
		var data []byte
		if err = websocket.Message.Receive(c.ws, &data); err != nil {
			break
		}
		var m message
		if err = json.Unmarshal(data, &m); err != nil {
			err = fmt.Errorf("bidi: undecodable message %.200q: %w", data, err)
			break
		}
		if m.Type == "event" {
			c.onEvent(m.Method, m.Params)
			continue
		}
		if m.ID == nil {
			// An error about a message the browser could not read: ours
			// are well formed, so this is the end of the session.
			err = fmt.Errorf("bidi: %s: %s", m.Error, m.Message)
			break
		}
		c.mu.Lock()
		ch := c.pending[*m.ID]
		delete(c.pending, *m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
	c.mu.Lock()
	c.err = fmt.Errorf("bidi: connection ended: %w", err)
	c.mu.Unlock()
	close(c.done)
}

// quickAck acknowledges what it reads at once. Firefox's Remote Agent
// writes an event and then the answer it precedes as two small TCP
// segments without TCP_NODELAY: Nagle holds the answer until the event is
// acknowledged, and a delayed ACK (Linux: 40 ms) made every command that
// logged something take that long (677 scenarios: 37 s, now 14 s).
// TCP_QUICKACK does not stick, so it is set again before every read.
type quickAck struct{ *net.TCPConn }

func (c quickAck) Read(p []byte) (int, error) {
	if raw, err := c.SyscallConn(); err == nil {
		raw.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1) })
	}
	return c.TCPConn.Read(p)
}

// Call sends a command and waits for its answer, which it decodes into
// result unless result is nil.
func (c *Client) Call(ctx context.Context, method string, params, result any) error {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return fmt.Errorf("%s: %w", method, c.err)
	}
	c.next++
	id := c.next
	ch := make(chan message, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	forget := func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}
	if params == nil {
		params = struct{}{}
	}
	cmd, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		forget()
		return fmt.Errorf("bidi %s: %w", method, err)
	}
	if err := websocket.Message.Send(c.ws, string(cmd)); err != nil {
		forget()
		return fmt.Errorf("bidi %s: send: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Type == "error" {
			return &Error{Command: method, Code: m.Error, Message: m.Message}
		}
		if result == nil {
			return nil
		}
		if err := json.Unmarshal(m.Result, result); err != nil {
			return fmt.Errorf("bidi %s: result %.200s: %w", method, m.Result, err)
		}
		return nil
	case <-ctx.Done():
		forget()
		return fmt.Errorf("bidi %s: %w", method, ctx.Err())
	case <-c.done:
		return fmt.Errorf("bidi %s: %w", method, c.err)
	}
}

// Close closes the connection and waits for the reading goroutine to end.
func (c *Client) Close() error {
	err := c.ws.Close()
	<-c.done
	return err
}
