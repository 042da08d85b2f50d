package layer_test

import (
	"fmt"
	"slices"
	"testing"

	"corsplay/engine/layer"
	"corsplay/engine/message"
)

func hs(kv ...string) message.Headers {
	var out message.Headers
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, message.Header{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

// app answers every request 200, naming the Origin it was asked from.
func app(req message.Request) layer.Response {
	h := hs("Content-Type", "application/json")
	if o, ok := req.Headers.Get("Origin"); ok {
		h = append(h, hs("Access-Control-Allow-Origin", o)...)
	}
	return layer.Written(message.Response{Status: 200, Headers: h}, "app")
}

func TestAuthLets(t *testing.T) {
	preflight := message.Request{Method: "OPTIONS", Headers: hs("Origin", "https://a.example", "Access-Control-Request-Method", "PUT")}
	token := message.Request{Method: "GET", Headers: hs("Authorization", "Bearer t")}
	cookie := message.Request{Method: "GET", Cookies: true}
	wired := message.Request{Method: "GET", Headers: hs("Cookie", "session=1")}
	none := message.Request{Method: "GET"}
	tests := []struct {
		auth layer.Auth
		req  message.Request
		want bool
	}{
		{layer.Auth{}, preflight, false},
		{layer.Auth{AllowOptions: true}, preflight, true},
		{layer.Auth{}, token, true},
		{layer.Auth{}, cookie, true},
		{layer.Auth{}, wired, true},
		{layer.Auth{}, none, false},
		{layer.Auth{Accepts: layer.AcceptsCookie}, token, false},
		{layer.Auth{Accepts: layer.AcceptsAuthorization}, cookie, false},
	}
	for i, tt := range tests {
		if got := tt.auth.Lets(tt.req); got != tt.want {
			t.Errorf("%d: %+v lets %s %v: %v, want %v", i, tt.auth, tt.req.Method, tt.req.Headers, got, tt.want)
		}
	}
	r := layer.Auth{}.Wrap("auth", app)(none)
	if r.Status != 401 || r.StatusBy != "auth" || r.Headers.Has("Access-Control-Allow-Origin") {
		t.Errorf("refusal %+v", r)
	}
}

func TestErrorPage(t *testing.T) {
	req := message.Request{Method: "GET", Headers: hs("Origin", "https://a.example")}
	plain := layer.ErrorPage{Status: 500}.Wrap("errors", app)(req)
	wrapped := layer.ErrorPage{Status: 500, CORS: true}.Wrap("errors", app)(req)
	if plain.Status != 500 || plain.Headers.Has("Access-Control-Allow-Origin") {
		t.Errorf("unwrapped error %+v", plain)
	}
	if v, _ := wrapped.Headers.Get("Access-Control-Allow-Origin"); wrapped.Status != 500 || v != "https://a.example" || !slices.Contains(wrapped.By, "app") {
		t.Errorf("wrapped error %+v", wrapped)
	}
	preflight := message.Request{Method: "OPTIONS", Headers: hs("Origin", "https://a.example", "Access-Control-Request-Method", "PUT")}
	if r := (layer.ErrorPage{Status: 404}).Wrap("errors", app)(preflight); r.Status != 200 {
		t.Errorf("the error page answered a preflight: %d", r.Status)
	}
	if r := (layer.ErrorPage{Status: 413, Methods: []string{"POST"}}).Wrap("errors", app)(req); r.Status != 200 {
		t.Errorf("a POST-only error page answered a GET: %d", r.Status)
	}
}

func TestProxy(t *testing.T) {
	req := message.Request{Method: "GET", URL: "https://api.example/x", Headers: hs("Origin", "https://a.example")}
	tests := []struct {
		name  string
		proxy layer.Proxy
		next  layer.Handler
		acao  []string
		by    string // of the first Access-Control-Allow-Origin
	}{
		{"add duplicates", layer.Proxy{Add: hs("Access-Control-Allow-Origin", "*")}, app, []string{"https://a.example", "*"}, "app"},
		{"set replaces", layer.Proxy{Set: hs("Access-Control-Allow-Origin", "*")}, app, []string{"*"}, "proxy"},
		{"remove strips", layer.Proxy{Remove: []string{"access-control-allow-origin"}}, app, nil, ""},
		{"a cache without Vary serves the first origin's answer", layer.Proxy{Cache: &layer.Cache{PrimedBy: "https://b.example"}}, app, []string{"https://b.example"}, "proxy (cache)"},
		{"Vary: Origin keys the entry", layer.Proxy{Cache: &layer.Cache{PrimedBy: "https://b.example"}}, varying, []string{"https://a.example"}, "app"},
		{"unless the cache ignores Vary", layer.Proxy{Cache: &layer.Cache{PrimedBy: "https://b.example", IgnoresVary: true}}, varying, []string{"https://b.example"}, "proxy (cache)"},
	}
	for _, tt := range tests {
		r := tt.proxy.Wrap("proxy", tt.next)(req)
		if got := r.Headers.Values("Access-Control-Allow-Origin"); !slices.Equal(got, tt.acao) {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want %q", tt.name, got, tt.acao)
		}
		if i := slices.IndexFunc(r.Headers, func(h message.Header) bool { return h.Name == "Access-Control-Allow-Origin" }); i >= 0 && r.By[i] != tt.by {
			t.Errorf("%s: written by %q, want %q", tt.name, r.By[i], tt.by)
		}
	}
}

func varying(req message.Request) layer.Response {
	r := app(req)
	r.Add(message.Header{Name: "Vary", Value: "Origin"}, "app")
	return r
}

// A proxy that adds its own Access-Control-Allow-Origin in front of an
// application that answers CORS itself: two lines, and each says who wrote
// it.
func ExampleProxy_Wrap() {
	nginx := layer.Proxy{Add: message.Headers{{Name: "Access-Control-Allow-Origin", Value: "*"}}}
	r := nginx.Wrap("nginx", app)(message.Request{Method: "GET", Headers: message.Headers{{Name: "Origin", Value: "https://a.example"}}})
	for i, h := range r.Headers {
		fmt.Printf("%s: %s (%s)\n", h.Name, h.Value, r.By[i])
	}
	// Output:
	// Content-Type: application/json (app)
	// Access-Control-Allow-Origin: https://a.example (app)
	// Access-Control-Allow-Origin: * (nginx)
}
