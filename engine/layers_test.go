package engine_test

import (
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/layer"
)

// TestLayers: what the layers in front of a CORS middleware do to what
// the browser sees, which layer the steps blame, what lint says and what
// the fixes change.
func TestLayers(t *testing.T) {
	policy := &engine.Policy{Origins: []string{pageOrigin}, Methods: []string{"PUT"}, RequestHeaders: []string{"Content-Type", "Authorization"}}
	withPolicy := func(layers ...engine.Layer) engine.Server {
		return engine.Server{Policy: policy, Layers: layers}
	}
	auth := engine.Layer{Name: "the login filter", Auth: &layer.Auth{}}
	tests := []struct {
		name     string
		req      engine.Request
		server   engine.Server
		verdict  string
		error    string // CORSError
		statusBy string // of the last response
		blames   string // a part of the failing (or last) check's detail
		lint     []string
		fixes    []string
	}{
		{"auth refuses the preflight", engine.Request{Method: "PUT", Headers: hdrs("Authorization", "Bearer t")}, withPolicy(auth),
			engine.Blocked, "PreflightMissingAllowOriginHeader", "the login filter", "login filter answered 401 itself",
			[]string{"LAYER-001", "LAYER-002"}, []string{"Let OPTIONS through the authentication"}},
		{"auth lets OPTIONS through; the token passes", engine.Request{Method: "PUT", Headers: hdrs("Authorization", "Bearer t")},
			withPolicy(engine.Layer{Name: "the login filter", Auth: &layer.Auth{AllowOptions: true}}),
			engine.Allowed, "", "the server", "", []string{"LAYER-002"}, nil},
		{"a logged-out request gets a 401 it cannot read", engine.Request{}, withPolicy(auth),
			engine.Blocked, "MissingAllowOriginHeader", "the login filter", "with no Access-Control-Allow-Origin",
			[]string{"LAYER-001", "LAYER-002"}, nil},
		{"Safari sends no third-party cookie: a cookie session is refused", engine.Request{URL: "https://api.example.net/items", Credentials: "include"},
			engine.Server{Policy: &engine.Policy{Origins: []string{pageOrigin}, Credentials: true}, Layers: []engine.Layer{{Auth: &layer.Auth{Accepts: "cookie", AllowOptions: true}}}},
			engine.Blocked, "MissingAllowOriginHeader", "layers[0] (authentication)", "", []string{"LAYER-002"}, nil},
		{"a 500 without CORS headers", engine.Request{}, withPolicy(engine.Layer{Error: &layer.ErrorPage{Status: 500}}),
			engine.Blocked, "MissingAllowOriginHeader", "layers[0] (error page)", "(error page) answered 500 itself",
			[]string{"LAYER-003"}, []string{"Send the CORS headers with error responses too"}},
		{"a 500 with CORS headers is readable", engine.Request{}, withPolicy(engine.Layer{Error: &layer.ErrorPage{Status: 500, CORS: true}}),
			engine.Allowed, "", "layers[0] (error page)", "", nil, nil},
		{"nginx adds * in front of the application's origin", engine.Request{},
			withPolicy(engine.Layer{Name: "nginx", Proxy: &layer.Proxy{Add: hdrs(acao, "*")}}),
			engine.Blocked, "MultipleAllowOriginValues", "the server", "written by the server and nginx",
			[]string{"LAYER-004"}, []string{"Let one layer send the CORS headers"}},
		{"a CORS layer and the application both answer", engine.Request{},
			withPolicy(engine.Layer{Name: "the gateway", CORS: &engine.Policy{AnyOrigin: "wildcard"}}),
			engine.Blocked, "MultipleAllowOriginValues", "the server", "written by the server and the gateway",
			[]string{"LAYER-004"}, []string{"Let one layer send the CORS headers"}},
		{"a proxy that replaces the application's header", engine.Request{},
			withPolicy(engine.Layer{Name: "nginx", Proxy: &layer.Proxy{Set: hdrs(acao, pageOrigin)}}),
			engine.Allowed, "", "the server", "written by nginx", nil, nil},
		{"a CDN serves another origin's cached answer", engine.Request{},
			engine.Server{Policy: &engine.Policy{Origins: []string{pageOrigin, "https://admin.example.com"}, Vary: new(false)},
				Layers: []engine.Layer{{Name: "the CDN", Proxy: &layer.Proxy{Cache: &layer.Cache{PrimedBy: "https://admin.example.com"}}}}},
			engine.Blocked, "AllowOriginMismatch", "the CDN (cache)", "served this answer from its cache",
			[]string{"LAYER-005"}, []string{"Key the cache by Origin"}},
		{"Vary: Origin keys the cache", engine.Request{},
			engine.Server{Policy: &engine.Policy{Origins: []string{pageOrigin, "https://admin.example.com"}},
				Layers: []engine.Layer{{Name: "the CDN", Proxy: &layer.Proxy{Cache: &layer.Cache{PrimedBy: "https://admin.example.com"}}}}},
			engine.Allowed, "", "the server", "", nil, nil},
		{"a CDN that ignores Vary", engine.Request{},
			engine.Server{Policy: &engine.Policy{Origins: []string{pageOrigin, "https://admin.example.com"}},
				Layers: []engine.Layer{{Name: "the CDN", Proxy: &layer.Proxy{Cache: &layer.Cache{PrimedBy: "https://admin.example.com", IgnoresVary: true}}}}},
			engine.Blocked, "AllowOriginMismatch", "the CDN (cache)", "", []string{"LAYER-005"}, []string{"Key the cache by Origin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			if req.URL == "" {
				req.URL = apiURL
			}
			s := engine.Scenario{V: engine.Version, Page: pageOrigin, Request: req, Server: tt.server}
			if strings.Contains(tt.name, "Safari") {
				s.Browser = engine.Safari
			}
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			out := engine.Evaluate(s)
			if out.Verdict != tt.verdict || out.CORSError != tt.error {
				t.Errorf("verdict %s %s, want %s %s (%s)", out.Verdict, out.CORSError, tt.verdict, tt.error, out.Console)
			}
			if last := out.Hops[len(out.Hops)-1]; last.StatusBy != tt.statusBy {
				t.Errorf("the last status was written by %q, want %q", last.StatusBy, tt.statusBy)
			}
			if tt.blames != "" && !slices.ContainsFunc(out.Steps, func(st engine.Step) bool { return strings.Contains(st.Detail, tt.blames) }) {
				t.Errorf("no step says %q", tt.blames)
			}
			var ids, titles []string
			for _, f := range out.Lint {
				if strings.HasPrefix(f.ID, "LAYER-") {
					ids = append(ids, f.ID)
				}
			}
			for _, f := range out.Fixes {
				titles = append(titles, f.Title)
				if got := engine.Evaluate(f.Apply(s)).Verdict; got != engine.Allowed {
					t.Errorf("fix %q leaves the verdict %s", f.Title, got)
				}
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tt.lint) {
				t.Errorf("lint %q, want %q", ids, tt.lint)
			}
			if !slices.Equal(titles, tt.fixes) {
				t.Errorf("fixes %q, want %q", titles, tt.fixes)
			}
		})
	}
}

// TestLayerValidation: each layer is one of a closed set, with its own
// fields checked, named by path.
func TestLayerValidation(t *testing.T) {
	tests := []struct {
		layers []engine.Layer
		field  string
	}{
		{[]engine.Layer{{}}, "server.layers[0]"},
		{[]engine.Layer{{Auth: &layer.Auth{}, Proxy: &layer.Proxy{}}}, "server.layers[0]"},
		{[]engine.Layer{{Proxy: &layer.Proxy{}}, {Auth: &layer.Auth{Status: 500}}}, "server.layers[1].auth.status"},
		{[]engine.Layer{{Auth: &layer.Auth{Accepts: "session"}}}, "server.layers[0].auth.accepts"},
		{[]engine.Layer{{Error: &layer.ErrorPage{Status: 302}}}, "server.layers[0].error.status"},
		{[]engine.Layer{{Proxy: &layer.Proxy{Add: hdrs("Bad Name", "x")}}}, "server.layers[0].proxy.add[0]"},
		{[]engine.Layer{{Proxy: &layer.Proxy{Cache: &layer.Cache{PrimedBy: "https://a.example.com/"}}}}, "server.layers[0].proxy.cache.primedBy"},
		{[]engine.Layer{{CORS: &engine.Policy{Origins: []string{"*"}}}}, "server.layers[0].cors.origins[0]"},
		{slices.Repeat([]engine.Layer{{Proxy: &layer.Proxy{}}}, engine.MaxLayers+1), "server.layers"},
		{[]engine.Layer{{Proxy: &layer.Proxy{Cache: &layer.Cache{}}}, {Proxy: &layer.Proxy{Cache: &layer.Cache{}}}}, "server.layers[1].proxy.cache"},
		{[]engine.Layer{{Proxy: &layer.Proxy{Add: many(101)}}}, "server.layers[0].proxy.add"},
		{[]engine.Layer{{Proxy: &layer.Proxy{Remove: make([]string, 101)}}}, "server.layers[0].proxy.remove"},
		{[]engine.Layer{{Error: &layer.ErrorPage{Status: 500, Methods: make([]string, 21)}}}, "server.layers[0].error.methods"},
	}
	for _, tt := range tests {
		s := engine.Scenario{V: engine.Version, Page: pageOrigin, Request: engine.Request{URL: apiURL}, Server: engine.Server{Layers: tt.layers}}
		err := s.Validate()
		fe, ok := err.(*engine.FieldError)
		if !ok || fe.Field != tt.field {
			t.Errorf("Validate(%d layers) = %v, want an error on %s", len(tt.layers), err, tt.field)
		}
	}
	for _, layers := range [][]engine.Layer{
		slices.Repeat([]engine.Layer{{Proxy: &layer.Proxy{}}}, engine.MaxLayers),
		{{Proxy: &layer.Proxy{Cache: &layer.Cache{}, Add: many(100), Remove: slices.Repeat([]string{"X-A"}, 100)}}, {Error: &layer.ErrorPage{Status: 500, Methods: slices.Repeat([]string{"GET"}, 20)}}},
	} {
		s := engine.Scenario{V: engine.Version, Page: pageOrigin, Request: engine.Request{URL: apiURL}, Server: engine.Server{Layers: layers}}
		if err := s.Validate(); err != nil {
			t.Errorf("%d layers at the limits: %v", len(layers), err)
		}
	}
}

// many is n header lines.
func many(n int) engine.Headers {
	return slices.Repeat(engine.Headers{{Name: "X-A", Value: "1"}}, n)
}
