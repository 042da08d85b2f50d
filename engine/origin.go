package engine

import (
	"fmt"
	"net/url"
	"strings"
)

// Origin is a tuple origin (scheme, host, port) or, when Opaque, an opaque
// origin that serializes to "null".
// https://html.spec.whatwg.org/multipage/browsers.html#concept-origin
type Origin struct {
	Scheme, Host, Port string
	Opaque             bool
}

// String is the ASCII serialization: "scheme://host[:port]" or "null".
// https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
func (o Origin) String() string {
	if o.Opaque {
		return "null"
	}
	if o.Port == "" {
		return o.Scheme + "://" + o.Host
	}
	return o.Scheme + "://" + o.Host + ":" + o.Port
}

// SameOrigin reports whether o and p are the same origin: both tuples with
// equal scheme, host and port. An opaque origin is never same-origin with
// another one here, since each sandboxed document gets its own.
// https://html.spec.whatwg.org/multipage/browsers.html#same-origin
func (o Origin) SameOrigin(p Origin) bool {
	return !o.Opaque && !p.Opaque && o.Scheme == p.Scheme && o.Host == p.Host && o.Port == p.Port
}

var defaultPorts = map[string]string{"http": "80", "https": "443", "ws": "80", "wss": "443"}

// OriginOf returns the origin of an absolute URL, with host lower-cased, the
// port without leading zeros and the scheme's default port elided, as the
// URL standard serializes them.
func OriginOf(u *url.URL) Origin {
	scheme := strings.ToLower(u.Scheme)
	port, err := canonicalPort(u.Port())
	if err != nil {
		port = u.Port() // no URL, but OriginOf has no error to say so
	}
	if port == defaultPorts[scheme] {
		port = ""
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return Origin{Scheme: scheme, Host: host, Port: port}
}

// ParseOrigin parses a serialized origin: "null", or "scheme://host[:port]"
// with nothing after the host. A value that is a valid origin in another
// spelling (a trailing slash, upper case, an explicit default port) is refused
// with the serialization the browser would use, because an Origin header is
// always serialized.
func ParseOrigin(s string) (Origin, error) {
	if s == "null" {
		return Origin{Opaque: true}, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return Origin{}, fmt.Errorf("%q is not an origin: write scheme://host[:port], or null", s)
	}
	if u.User != nil {
		return Origin{}, fmt.Errorf("%q is not an origin: an origin has no user name or password", s)
	}
	if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "HTTP" && u.Scheme != "HTTPS" {
		return Origin{}, fmt.Errorf("%q is not an http or https origin", s)
	}
	if _, err := canonicalPort(u.Port()); err != nil {
		return Origin{}, fmt.Errorf("%q is not an origin: %v", s, err)
	}
	for _, c := range u.Hostname() {
		if c > 0x7f {
			return Origin{}, fmt.Errorf("%q is not a serialized origin: browsers send a non-ASCII host in its punycode (xn--) form", s)
		}
	}
	o := OriginOf(u)
	if o.String() != s {
		return Origin{}, fmt.Errorf("%q is not a serialized origin: browsers write it %q", s, o.String())
	}
	return o, nil
}

// specURLPort is the URL standard's rule for a port.
const specURLPort = "https://url.spec.whatwg.org/#port-state"

// canonicalPort checks a URL's port (digits only, as url.Parse leaves it) as
// the URL standard does and returns it as the standard serializes it: at
// most 65535, in decimal without leading zeros ("0443" is "443"), "" for
// none. https://url.spec.whatwg.org/#port-state
func canonicalPort(port string) (string, error) {
	if port == "" {
		return "", nil
	}
	p := strings.TrimLeft(port, "0")
	if len(p) > 5 || len(p) == 5 && p > "65535" {
		return "", fmt.Errorf("port %s is over 65535, the largest a URL may have", port)
	}
	if p == "" {
		p = "0"
	}
	return p, nil
}

// validPort reports whether u's port is one a URL may have.
func validPort(u *url.URL) bool {
	_, err := canonicalPort(u.Port())
	return err == nil
}

// serializeURL writes u the way Chromium prints a request URL: lower-case
// scheme and host, default port elided, "/" for an empty path, fragment
// removed. https://url.spec.whatwg.org/#concept-url-serializer
func serializeURL(u *url.URL) string {
	var b strings.Builder
	b.WriteString(OriginOf(u).String())
	if p := u.EscapedPath(); p != "" {
		b.WriteString(p)
	} else {
		b.WriteByte('/')
	}
	if u.ForceQuery || u.RawQuery != "" {
		b.WriteByte('?')
		b.WriteString(u.RawQuery)
	}
	return b.String()
}
