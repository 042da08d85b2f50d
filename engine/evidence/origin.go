package evidence

import (
	"net/url"
	"strings"

	"corsplay/engine"
)

// originOf is the serialized origin of an absolute http(s) URL.
func originOf(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return "", false
	}
	return engine.OriginOf(u).String(), true
}

// likelyPages are where a page usually runs while its developer debugs
// CORS: the dev servers of create-react-app and Next.js, Vite, and the
// usual others.
var likelyPages = []string{"http://localhost:3000", "http://localhost:5173", "http://localhost:8080", "https://app.example.com"}

// likelyPage is the first likely page origin that is neither the URL's
// origin nor avoid (an origin the server is known to allow instead).
func likelyPage(target, avoid string) string {
	own, _ := originOf(target)
	for _, p := range likelyPages {
		if p != own && p != avoid {
			return p
		}
	}
	return "https://app.example.org"
}
