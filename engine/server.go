package engine

// Responder answers HTTP requests the way a scenario's server does.
type Responder func(HTTPRequest) Response

// Responder returns the server side of the scenario: raw responses as typed,
// or a policy's simulated middleware. It fails on a configuration that does
// not validate.
func (s Server) Responder() (Responder, error) {
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
