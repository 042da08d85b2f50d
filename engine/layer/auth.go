package layer

import (
	"fmt"
	"slices"

	"corsplay/engine/message"
)

// Auth is an authentication layer: it refuses a request that carries no
// credentials before anything behind it runs. A preflight never carries
// cookies or Authorization (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0),
// so an Auth in front of the CORS middleware refuses every preflight unless
// it lets OPTIONS through.
type Auth struct {
	// Status refuses: 401 (default) or 403.
	Status int `json:"status,omitempty"`
	// Accepts is what lets a request in: "authorization" (an Authorization
	// header), "cookie" (the API's session cookie) or "either" (default).
	Accepts string `json:"accepts,omitempty"`
	// AllowOptions lets every OPTIONS request through without credentials.
	AllowOptions bool `json:"allowOptions,omitempty"`
	// Headers are sent with the refusal; nil sends Content-Type:
	// application/json.
	Headers message.Headers `json:"headers,omitempty"`
}

// What Auth.Accepts.
const (
	AcceptsAuthorization = "authorization"
	AcceptsCookie        = "cookie"
	AcceptsEither        = "either"
)

// Validate checks a's fields; field is its path in the scenario.
func (a Auth) Validate() (field, problem string) {
	switch a.Status {
	case 0, 401, 403:
	default:
		return "status", fmt.Sprintf("%d: an authentication layer refuses with 401 or 403", a.Status)
	}
	if !slices.Contains([]string{"", AcceptsAuthorization, AcceptsCookie, AcceptsEither}, a.Accepts) {
		return "accepts", fmt.Sprintf("%q: use \"authorization\", \"cookie\" or \"either\"", a.Accepts)
	}
	return "", ""
}

// Lets reports whether a lets req through to the handler behind it.
func (a Auth) Lets(req message.Request) bool {
	if a.AllowOptions && req.Method == "OPTIONS" {
		return true
	}
	token := req.Headers.Has("Authorization")
	cookie := req.Cookies || req.Headers.Has("Cookie")
	switch a.Accepts {
	case AcceptsAuthorization:
		return token
	case AcceptsCookie:
		return cookie
	}
	return token || cookie
}

// Refusal is what a sends to a request it does not let through.
func (a Auth) Refusal() message.Response {
	status := a.Status
	if status == 0 {
		status = 401
	}
	hs := a.Headers
	if hs == nil {
		hs = message.Headers{{Name: "Content-Type", Value: "application/json"}}
	}
	return message.Response{Status: status, Headers: hs}
}

// Wrap puts a, named name, in front of next.
func (a Auth) Wrap(name string, next Handler) Handler {
	return func(req message.Request) Response {
		if a.Lets(req) {
			return next(req)
		}
		return Written(a.Refusal(), name)
	}
}
