// Package wkinspector watches a WebKit page through WebKit's remote Web
// Inspector: the WebSocket that WebKitGTK serves for each inspectable page
// (ws://host:port/socket/CONNECTION/TARGET/WebPage) when started with
// WEBKIT_INSPECTOR_HTTP_SERVER=host:port. It reads the page's console and
// knows which of its loads are still going.
//
// On that socket the page speaks the Target domain: it announces its
// targets (Target.targetCreated), takes commands for one target wrapped in
// Target.sendMessageToTarget, and wraps the target's answers and events in
// Target.dispatchMessageFromTarget. In a target, Console.enable replays
// the messages logged so far and sends each later one as
// Console.messageAdded; Network.enable reports each load's start
// (Network.requestWillBeSent) and end (Network.loadingFinished or
// Network.loadingFailed).
package wkinspector

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/websocket"
)

// Message is one console message in WebKit's words: Source is "security",
// "javascript", "network", "console-api"…; Level "error", "warning",
// "log"…; URL is the resource a "network" message is about (WebKit's
// texts do not name it), or the script that logged it.
type Message struct {
	Source string
	Level  string
	Text   string
	URL    string
}

// Page follows every page target announced on one inspector socket: their
// console messages in the order the socket delivered them, and their loads
// in flight.
type Page struct {
	ws   *websocket.Conn
	done chan struct{} // closed when the reader ends

	mu       sync.Mutex
	messages []Message
	last     map[string]*repeated // per target: its last message
	pending  map[int]string       // enable commands not yet answered → target
	inFlight map[string]string    // "target/requestId" → URL
	ended    map[string]int       // URL → how many of its loads ended
	nextID   int
	err      error         // why the reader ended, or a command failed
	changed  chan struct{} // closed, and replaced, after each message
}

// repeated is a target's last message and how many times it was counted:
// WebKit folds a message equal to the one before into a repeat count.
type repeated struct {
	msg   Message
	count int
}

// Dial connects to the inspector socket at url; from then on the console
// and the network of every page target it announces are enabled.
func Dial(url string) (*Page, error) {
	ws, err := websocket.Dial(url, "", "http://127.0.0.1/")
	if err != nil {
		return nil, fmt.Errorf("wkinspector: dial %s: %w", url, err)
	}
	p := &Page{ws: ws, done: make(chan struct{}), last: map[string]*repeated{}, pending: map[int]string{}, inFlight: map[string]string{}, ended: map[string]int{}, changed: make(chan struct{})}
	go p.read()
	return p, nil
}

// Messages returns every console message so far, in order.
func (p *Page) Messages() []Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.messages)
}

// Err is why the socket closed or a command failed; nil while all is well.
func (p *Page) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// WaitEnabled waits until a page target was announced and every announced
// target's console and network are enabled.
func (p *Page) WaitEnabled(ctx context.Context) error {
	return p.wait(ctx, "console and network enabled", func() (bool, []string) {
		var left []string
		for id, target := range p.pending {
			left = append(left, fmt.Sprintf("%s (command %d)", target, id))
		}
		return len(p.last) > 0 && len(p.pending) == 0, left
	})
}

// WaitIdle waits until no load of the page is in flight. A response's body
// may still be loading after fetch() resolved with its headers, and WebKit
// logs its failure when it comes.
func (p *Page) WaitIdle(ctx context.Context) error {
	return p.wait(ctx, "no load in flight", func() (bool, []string) {
		var left []string
		for _, url := range p.inFlight {
			left = append(left, url)
		}
		return len(left) == 0, left
	})
}

// Ended is how many loads of url have ended so far.
func (p *Page) Ended(url string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ended[url]
}

// WaitEnded waits until more than n loads of url have ended.
func (p *Page) WaitEnded(ctx context.Context, url string, n int) error {
	return p.wait(ctx, "a load of "+url+" ended", func() (bool, []string) {
		return p.ended[url] > n, nil
	})
}

// wait asks done, under the lock, after each message until it says so or
// ctx ends; then the error names what is left.
func (p *Page) wait(ctx context.Context, what string, done func() (bool, []string)) error {
	for {
		p.mu.Lock()
		ok, left := done()
		err, changed := p.err, p.changed
		p.mu.Unlock()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			slices.Sort(left)
			if len(left) == 0 {
				return fmt.Errorf("wkinspector: %s: %w", what, ctx.Err())
			}
			return fmt.Errorf("wkinspector: %s: %w; left: %q", what, ctx.Err(), left)
		case <-changed:
		}
	}
}

// Close closes the socket and waits for the reader to end.
func (p *Page) Close() error {
	err := p.ws.Close()
	<-p.done
	return err
}

// envelope is any message on the socket or inside a target's message.
type envelope struct {
	ID     int             `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// read takes the socket's messages until it closes; a message that cannot
// be taken is an error for every later wait.
func (p *Page) read() {
	defer close(p.done)
	for {
		var data []byte
		closed := websocket.Message.Receive(p.ws, &data)
		err := closed
		if closed != nil {
			err = fmt.Errorf("wkinspector: socket closed: %w", closed)
		} else {
			err = p.handle(data)
		}
		p.mu.Lock()
		if p.err == nil {
			p.err = err
		}
		close(p.changed)
		p.changed = make(chan struct{})
		p.mu.Unlock()
		if closed != nil {
			return
		}
	}
}

// handle takes one message of the socket.
func (p *Page) handle(data []byte) error {
	var e envelope
	if err := json.Unmarshal(data, &e); err != nil {
		return fmt.Errorf("wkinspector: %w: %.200q", err, data)
	}
	if e.Error != nil {
		return fmt.Errorf("wkinspector: command %d failed: %s", e.ID, e.Error.Message)
	}
	var params struct {
		TargetID   string `json:"targetId"` // of dispatchMessageFromTarget, targetDestroyed
		Message    string `json:"message"`
		TargetInfo struct {
			TargetID string `json:"targetId"`
			Type     string `json:"type"`
		} `json:"targetInfo"` // of targetCreated
	}
	if e.Method != "" {
		if err := json.Unmarshal(e.Params, &params); err != nil {
			return fmt.Errorf("wkinspector: %s: %w", e.Method, err)
		}
	}
	switch e.Method {
	case "Target.targetCreated":
		if params.TargetInfo.Type == "page" {
			return p.enable(params.TargetInfo.TargetID)
		}
	case "Target.targetDestroyed":
		// A target gone (a page replaced during a navigation) will not
		// answer, nor end its loads.
		p.mu.Lock()
		maps.DeleteFunc(p.pending, func(_ int, target string) bool { return target == params.TargetID })
		maps.DeleteFunc(p.inFlight, func(key, _ string) bool { return strings.HasPrefix(key, params.TargetID+"/") })
		p.mu.Unlock()
	case "Target.dispatchMessageFromTarget":
		return p.handleTarget(params.TargetID, []byte(params.Message))
	}
	return nil
}

// enable sends Console.enable and Network.enable to target.
func (p *Page) enable(target string) error {
	p.mu.Lock()
	p.last[target] = &repeated{}
	var out []string
	for _, method := range []string{"Console.enable", "Network.enable"} {
		p.nextID++
		p.pending[p.nextID] = target
		inner, _ := json.Marshal(map[string]any{"id": p.nextID, "method": method})
		outer, _ := json.Marshal(map[string]any{"id": p.nextID, "method": "Target.sendMessageToTarget",
			"params": map[string]string{"targetId": target, "message": string(inner)}})
		out = append(out, string(outer))
	}
	p.mu.Unlock()
	for _, m := range out {
		if err := websocket.Message.Send(p.ws, m); err != nil {
			return fmt.Errorf("wkinspector: enabling %s: %w", target, err)
		}
	}
	return nil
}

// handleTarget takes one message of target's.
func (p *Page) handleTarget(target string, data []byte) error {
	var e envelope
	if err := json.Unmarshal(data, &e); err != nil {
		return fmt.Errorf("wkinspector: target %s: %w: %.200q", target, err, data)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if e.Method == "" { // an answer
		delete(p.pending, e.ID)
		if e.Error != nil {
			return fmt.Errorf("wkinspector: target %s: command %d failed: %s", target, e.ID, e.Error.Message)
		}
		return nil
	}
	var params struct {
		Message struct {
			Source      string `json:"source"`
			Level       string `json:"level"`
			Text        string `json:"text"`
			URL         string `json:"url"`
			RepeatCount int    `json:"repeatCount"`
		} `json:"message"` // of messageAdded
		Count     int    `json:"count"`     // of messageRepeatCountUpdated
		RequestID string `json:"requestId"` // of Network's events
		Request   struct {
			URL string `json:"url"`
		} `json:"request"` // of requestWillBeSent
	}
	if err := json.Unmarshal(e.Params, &params); err != nil {
		return fmt.Errorf("wkinspector: target %s: %s: %w", target, e.Method, err)
	}
	last := p.last[target]
	if last == nil {
		return fmt.Errorf("wkinspector: %s from unannounced target %s", e.Method, target)
	}
	switch e.Method {
	case "Console.messageAdded":
		m := params.Message
		*last = repeated{msg: Message{Source: m.Source, Level: m.Level, Text: m.Text, URL: m.URL}}
		p.repeat(last, max(m.RepeatCount, 1))
	case "Console.messageRepeatCountUpdated":
		p.repeat(last, params.Count)
	case "Network.requestWillBeSent": // again, same id, on a redirect
		p.inFlight[target+"/"+params.RequestID] = params.Request.URL
	case "Network.loadingFinished", "Network.loadingFailed":
		key := target + "/" + params.RequestID
		if url, ok := p.inFlight[key]; ok {
			p.ended[url]++
			delete(p.inFlight, key)
		}
	}
	return nil
}

// repeat appends last's message until it was counted count times.
func (p *Page) repeat(last *repeated, count int) {
	for ; last.count < count; last.count++ {
		p.messages = append(p.messages, last.msg)
	}
}
