// Package emutest is what the emulations' own tests share: tables of
// configuration × request cases, each with the status and the CORS header
// lines the library answers, or the configuration error it refuses with.
// It needs only engine/server, so a library's internal tests can use it.
package emutest

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

// Case is one configuration × request and what the library answers: the
// status and its CORS headers (Access-Control-* and Vary, "Name: value"),
// or the text of its configuration error.
type Case struct {
	Name        string
	Options     string // the JSON options object
	Req         message.Request
	Status      int
	Headers     []string
	ConfigError string
}

// Req is a request to /items with header name, value pairs.
func Req(method string, kv ...string) message.Request {
	req := message.Request{Method: method, URL: "/items"}
	for i := 0; i+1 < len(kv); i += 2 {
		req.Headers = append(req.Headers, message.Header{Name: kv[i], Value: kv[i+1]})
	}
	return req
}

// CORSLines lists the CORS headers of hs as "Name: value", sorted by name
// (case-insensitively), in line order within a name.
func CORSLines(hs message.Headers) []string {
	var out []string
	for _, h := range hs {
		n := strings.ToLower(h.Name)
		if n == "vary" || strings.HasPrefix(n, "access-control-") {
			out = append(out, h.Name+": "+h.Value)
		}
	}
	return sortLines(out)
}

func sortLines(lines []string) []string {
	out := slices.Clone(lines)
	slices.SortStableFunc(out, func(a, b string) int {
		na, _, _ := strings.Cut(a, ":")
		nb, _, _ := strings.Cut(b, ":")
		return strings.Compare(strings.ToLower(na), strings.ToLower(nb))
	})
	return out
}

// New configures the registered library named name with a JSON options
// object.
func New(t *testing.T, name, options string) (server.Emulation, error) {
	t.Helper()
	var opts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(options), &opts); err != nil {
		t.Fatalf("options: %v", err)
	}
	l, ok := server.Lookup(name, "")
	if !ok {
		t.Fatal(name + " is not registered")
	}
	return l.New(opts)
}

// Run checks each case, one subtest each, against the library named name.
func Run(t *testing.T, name string, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			em, err := New(t, name, c.Options)
			var ce *server.ConfigError
			switch {
			case c.ConfigError != "":
				if !errors.As(err, &ce) || ce.Message != c.ConfigError || ce.Library != name {
					t.Fatalf("got %v, want the configuration error\n%s", err, c.ConfigError)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			resp := em.Respond(c.Req)
			if resp.Status != c.Status {
				t.Errorf("status %d, want %d", resp.Status, c.Status)
			}
			if got, want := CORSLines(resp.Headers), sortLines(c.Headers); !slices.Equal(got, want) {
				t.Errorf("CORS headers\n got  %q\n want %q", got, want)
			}
		})
	}
}

// Import checks a library's reader of its own configuration text: each
// case's text reads into the JSON options Want, or, when Want is
// "error: …", is refused with an error containing the rest.
func Import(t *testing.T, read func(string) (map[string]json.RawMessage, error), cases [][2]string) {
	t.Helper()
	for _, c := range cases {
		text, want := c[0], c[1]
		got, err := read(text)
		if problem, ok := strings.CutPrefix(want, "error: "); ok {
			if err == nil || !strings.Contains(err.Error(), problem) {
				t.Errorf("%s: error %v, want %q", text, err, want)
			}
			continue
		}
		b, _ := json.Marshal(got)
		if err != nil || string(b) != want {
			t.Errorf("%s:\n got  %s, %v\n want %s", text, b, err, want)
		}
	}
}
