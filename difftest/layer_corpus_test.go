package difftest

import (
	"fmt"
	"strings"

	"corsplay/engine"
	"corsplay/engine/layer"
)

// The suite must keep at least this many scenarios with layers.
const minLayerScenarios = 40

// genLayerPolicy is the application's CORS middleware behind the layers:
// it allows the page, PUT and the headers the requests send.
func genLayerPolicy() *engine.Policy {
	return &engine.Policy{Origins: []string{genPage}, Methods: []string{"PUT"}, RequestHeaders: []string{"Authorization", "Content-Type", "X-Token"}, ExposeHeaders: []string{"X-Request-Id"}}
}

// layerRequests are what the page sends through the layers.
var layerRequests = []struct {
	name string
	req  engine.Request
}{
	{"GET", engine.Request{}},
	{"GET with a token", engine.Request{Headers: hdrs("Authorization", "Bearer t")}},
	{"PUT with a token", engine.Request{Method: "PUT", Headers: hdrs("Authorization", "Bearer t")}},
	{"POST text/plain", engine.Request{Method: "POST", Body: ptr("a=1"), Headers: hdrs("Content-Type", "text/plain")}},
}

// generatedLayers returns servers with layers in front of a CORS
// middleware: authentication, error pages, proxies that add, replace or
// strip headers, caches, and a second CORS middleware.
func generatedLayers() []engine.Scenario {
	var out []engine.Scenario
	add := func(title string, req engine.Request, layers ...engine.Layer) {
		req.URL = genAPI + "/items/7"
		out = append(out, engine.Scenario{V: engine.Version, Title: "layers: " + title, Page: genPage, Request: req,
			Server: engine.Server{Policy: genLayerPolicy(), Layers: layers}})
	}
	auths := []struct {
		name string
		auth layer.Auth
	}{
		{"auth", layer.Auth{}},
		{"auth letting OPTIONS through", layer.Auth{AllowOptions: true}},
		{"auth answering 403 with a body type", layer.Auth{Status: 403, Headers: hdrs("Content-Type", "text/html")}},
		{"auth on the token only", layer.Auth{Accepts: layer.AcceptsAuthorization, AllowOptions: true}},
	}
	for _, a := range auths {
		for _, r := range layerRequests {
			add(fmt.Sprintf("%s, %s", a.name, r.name), r.req, engine.Layer{Name: "the login filter", Auth: &a.auth})
		}
	}
	for _, status := range []int{404, 500, 413} {
		for _, cors := range []bool{false, true} {
			for _, r := range []int{0, 2} {
				add(fmt.Sprintf("error %d, CORS headers %v, %s", status, cors, layerRequests[r].name), layerRequests[r].req,
					engine.Layer{Error: &layer.ErrorPage{Status: status, CORS: cors}})
			}
		}
	}
	add("an error page for POST only, a GET passes", engine.Request{}, engine.Layer{Error: &layer.ErrorPage{Status: 413, Methods: []string{"POST"}}})
	proxies := []struct {
		name  string
		proxy layer.Proxy
	}{
		{"nginx adding *", layer.Proxy{Add: hdrs("Access-Control-Allow-Origin", "*")}},
		{"nginx adding the page's origin again", layer.Proxy{Add: hdrs("Access-Control-Allow-Origin", genPage)}},
		{"nginx replacing with *", layer.Proxy{Set: hdrs("Access-Control-Allow-Origin", "*")}},
		{"a proxy stripping Access-Control-Allow-Origin", layer.Proxy{Remove: []string{"Access-Control-Allow-Origin"}}},
		{"a proxy adding credentials", layer.Proxy{Add: hdrs("Access-Control-Allow-Credentials", "true")}},
		{"a proxy exposing and adding a header", layer.Proxy{Add: hdrs("X-Served-By", "edge", "Access-Control-Expose-Headers", "X-Served-By")}},
		{"a proxy stripping every Access-Control header but the origin", layer.Proxy{Remove: []string{"Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers"}}},
	}
	for _, p := range proxies {
		for _, r := range []int{0, 2} {
			add(fmt.Sprintf("%s, %s", p.name, layerRequests[r].name), layerRequests[r].req, engine.Layer{Name: "nginx", Proxy: &p.proxy})
		}
	}
	for _, r := range []int{0, 2} {
		add("a gateway answering CORS too, "+layerRequests[r].name, layerRequests[r].req, engine.Layer{Name: "the gateway", CORS: &engine.Policy{AnyOrigin: "wildcard", Methods: []string{"*"}, RequestHeaders: []string{"*"}}})
	}
	for _, c := range []struct {
		name  string
		cache layer.Cache
		vary  bool
	}{
		{"primed by another origin, no Vary", layer.Cache{PrimedBy: "https://admin.example.com"}, false},
		{"primed by another origin, Vary: Origin", layer.Cache{PrimedBy: "https://admin.example.com"}, true},
		{"primed by another origin, Vary ignored", layer.Cache{PrimedBy: "https://admin.example.com", IgnoresVary: true}, true},
		{"primed by a navigation (no Origin)", layer.Cache{}, false},
		{"primed by the page itself", layer.Cache{PrimedBy: genPage}, false},
	} {
		s := engine.Scenario{V: engine.Version, Title: "layers: a CDN cache " + c.name, Page: genPage, Request: engine.Request{URL: genAPI + "/items/7"},
			Server: engine.Server{Policy: &engine.Policy{Origins: []string{genPage, "https://admin.example.com"}, Vary: ptr(c.vary)},
				Layers: []engine.Layer{{Name: "the CDN", Proxy: &layer.Proxy{Cache: &c.cache}}}}}
		out = append(out, s)
	}
	add("auth letting OPTIONS through, behind nginx adding *, PUT with a token", layerRequests[2].req,
		engine.Layer{Name: "nginx", Proxy: &layer.Proxy{Add: hdrs("Access-Control-Allow-Origin", "*")}}, engine.Layer{Name: "the login filter", Auth: &layer.Auth{AllowOptions: true}})
	add("nginx replacing, then an error page with CORS", engine.Request{},
		engine.Layer{Name: "nginx", Proxy: &layer.Proxy{Set: hdrs("Access-Control-Allow-Origin", genPage)}}, engine.Layer{Error: &layer.ErrorPage{Status: 500, CORS: true}})
	for i := range out {
		if !strings.HasPrefix(out[i].Title, "layers: ") {
			panic(out[i].Title)
		}
	}
	return out
}
