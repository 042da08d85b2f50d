package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// What the libraries' summaries and fixes share.

// SplitList splits a comma-separated header value into trimmed elements.
func SplitList(s string) []string {
	var out []string
	for e := range strings.SplitSeq(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// Note adds a note to s.Notes, once.
func (s *Summary) Note(format string, args ...any) {
	if n := fmt.Sprintf(format, args...); !slices.Contains(s.Notes, n) {
		s.Notes = append(s.Notes, n)
	}
}

// ExactEntry is the Summary's Entry.Policy that matches s exactly: s
// itself, unless the policy would read it as a pattern.
func ExactEntry(s string) string {
	if strings.HasPrefix(s, "re:") || strings.Contains(s, "*") {
		return "re:^" + regexp.QuoteMeta(s) + "$"
	}
	return s
}

// LooksLikeRegex: an origins entry written as a regular expression (".*"
// alone reads as a glob: https://example.*).
func LooksLikeRegex(s string) bool {
	return strings.ContainsAny(s, `^$\[]()|`) || strings.Contains(s, ".+")
}

// Tokens keeps the names of list a policy holds (RFC 9110 tokens, once
// each, at most maxPolicyEntries) for a Summary's Methods, RequestHeaders
// or ExposeHeaders; note says why it leaves one out. A list the library
// sends as is in header is unparsable with a non-token.
func Tokens(note func(string, ...any), option string, list []string, header string) []string {
	var out []string
	for _, v := range list {
		switch {
		case v == "":
		case !IsToken(v) && header != "":
			note("%s: %q is not a single name, and the library sends it as it is in %s, which browsers then cannot parse: every preflight that gets it fails. The policy leaves it out.", option, v, header)
		case !IsToken(v):
			note("%s: %q is not a single header or method name, so the policy left it out.", option, v)
		case !slices.Contains(out, v) && len(out) < maxPolicyEntries:
			out = append(out, v)
		}
	}
	return out
}

// maxPolicyEntries is engine.MaxPolicyEntries.
const maxPolicyEntries = 100

// Node is a JSON value with its objects' keys in order, for the fixes to
// print options as the user wrote them.
type Node struct {
	Kind  byte // 's' string, 'n' number, 't' true, 'f' false, 'z' null, 'a' array, 'o' object
	Text  string
	Items []Node
	Keys  []string
}

// ParseNode reads raw; an unreadable value is its text.
func ParseNode(raw json.RawMessage) Node {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	n, err := readNode(d)
	if err != nil {
		return Node{Kind: 'n', Text: string(raw)}
	}
	return n
}

func readNode(d *json.Decoder) (Node, error) {
	tok, err := d.Token()
	if err != nil {
		return Node{}, err
	}
	switch t := tok.(type) {
	case string:
		return Node{Kind: 's', Text: t}, nil
	case json.Number:
		return Node{Kind: 'n', Text: t.String()}, nil
	case bool:
		if t {
			return Node{Kind: 't'}, nil
		}
		return Node{Kind: 'f'}, nil
	case nil:
		return Node{Kind: 'z'}, nil
	case json.Delim:
		n := Node{Kind: 'a'}
		if t == '{' {
			n.Kind = 'o'
		}
		for d.More() {
			if n.Kind == 'o' {
				k, err := d.Token()
				if err != nil {
					return n, err
				}
				n.Keys = append(n.Keys, k.(string))
			}
			item, err := readNode(d)
			if err != nil {
				return n, err
			}
			n.Items = append(n.Items, item)
		}
		_, err := d.Token()
		return n, err
	}
	return Node{}, fmt.Errorf("unexpected %v", tok)
}
