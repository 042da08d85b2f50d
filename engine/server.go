package engine

// Responder answers HTTP requests the way a scenario's server does.
type Responder func(HTTPRequest) Response

// Responder returns the server side of the scenario: raw responses as typed,
// a policy's simulated middleware, or a library's emulation. It fails on a
// configuration that does not validate, and with a *ConfigError on one the
// library refuses.
func (s Server) Responder() (Responder, error) {
	r, _, err := s.responder()
	return r, err
}

// responder is Responder plus what a library logs about its configuration.
func (s Server) responder() (Responder, []string, error) {
	if s.Library != nil {
		em, err := s.Library.emulation()
		if err != nil {
			return nil, nil, err
		}
		return em.respond, em.warnings(), nil
	}
	r, err := s.plainResponder()
	return r, nil, err
}

func (s Server) plainResponder() (Responder, error) {
	if s.Policy != nil {
		c, err := s.Policy.compile()
		if err != nil {
			return nil, err
		}
		return c.respond, nil
	}
	return s.respondRaw, nil
}

// Respond answers one request; see Responder.
func (s Server) Respond(req HTTPRequest) (Response, error) {
	r, err := s.Responder()
	if err != nil {
		return Response{}, err
	}
	return r(req), nil
}

// IsPreflight reports whether req is a CORS-preflight request: OPTIONS with
// Origin and Access-Control-Request-Method.
// https://fetch.spec.whatwg.org/#cors-preflight-request
func IsPreflight(req HTTPRequest) bool {
	return req.Method == "OPTIONS" && req.Headers.Has("Origin") && req.Headers.Has(headerRequestMethod)
}

// respondRaw answers with the typed responses: the preflight one to a
// preflight (404 without CORS headers when none is typed), the actual one to
// anything else (200 without headers when none is typed).
func (s Server) respondRaw(req HTTPRequest) Response {
	if IsPreflight(req) {
		if s.Raw != nil && s.Raw.Preflight != nil {
			return *s.Raw.Preflight
		}
		return Response{Status: 404}
	}
	if s.Raw != nil && s.Raw.Actual != nil {
		return *s.Raw.Actual
	}
	return Response{Status: 200}
}
