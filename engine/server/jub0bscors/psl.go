package jub0bscors

import (
	"net/netip"
	"strings"
	"sync"
)

// The public-suffix check of jub0bs/cors v1.0.1 (internal/origins,
// Pattern.HostIsEffectiveTLD) calls golang.org/x/net/publicsuffix.
// PublicSuffix, ICANN and private rules alike. The engine stays standard
// library only, so this file ports that function (x/net v0.53.0,
// publicsuffix/list.go) over the same rules: the whole list, since a
// partial one answers wrongly for the suffixes it leaves out. Those are
// x/net v0.53.0's (the rules list of its publicsuffix/table_test.go, which
// its tables were generated from: publicsuffix.org's
// public_suffix_list.dat, git revision
// d6c92f1bbb7433e5db7b8405c25d4035fb8ff376, 2026-02-06; data under the
// MPL 2.0, code under x/net's BSD licence), written to
// psl.txt by `go run ./tools/pslgen` (from the module
// root; internal/xnetpsl reads the x/net version go.mod requires, and
// libtest checks the file against it).
//
// psl.txt is the tree of those rules, labels right to
// left, as x/net's gen.go builds it: each node is "[!]label[?]", "!" for
// an exception rule ("!www.ck"), "?" for a node no rule names (only a path
// to its children), neither for a normal rule; its children follow in
// parentheses, "*" among them when the node has a wildcard rule ("*.ck").
// Nodes are separated by commas, in the order the list first names them:
// "ck?(*,!www),jp(ac,...,kawasaki?(*,!city),...)". 82 kB, 29 kB brotli
// (x/net's binary tables: 89 kB, 45 kB brotli). The command and the tests
// embed it (psl_embed.go); the page reads it from web/psl.js, a script of
// its own beside app.wasm (psl_page.go), which keeps those 29 kB out of
// app.wasm and loads in parallel with it.

// The marks of a node (x/net's node types, and its wildcard bit).
const (
	pslNormal     = 0
	pslException  = 1
	pslParentOnly = 2
	pslWildcard   = 4
)

// psl holds the tree once read: pslRules reads pslText on first use, and
// again after a failure (the page's psl.js not loaded yet).
var psl struct {
	sync.Mutex
	rules map[pslKey]int32
}

// pslRules is the tree, read and parsed on first use.
func pslRules() (map[pslKey]int32, error) {
	psl.Lock()
	defer psl.Unlock()
	if psl.rules == nil {
		text, err := pslText()
		if err != nil {
			return nil, err
		}
		psl.rules = parsePSL(text)
	}
	return psl.rules, nil
}

// pslKey names a node by its parent's number (0 for the root) and its
// label, a piece of the list's text: parsing copies no string, and a
// lookup takes a piece of the domain.
type pslKey struct {
	parent int32
	label  string
}

// parsePSL numbers the nodes of the tree from 1 and maps each to its
// number<<3 | its marks.
func parsePSL(text string) map[pslKey]int32 {
	rules := make(map[pslKey]int32, 10600)
	parents := []pslKey{{}} // the open nodes, the root first
	var last pslKey         // the node just read
	for s := strings.TrimSuffix(text, "\n"); s != ""; {
		switch s[0] {
		case '(':
			parents = append(parents, last)
			s = s[1:]
		case ')':
			parents = parents[:len(parents)-1]
			s = s[1:]
		case ',':
			s = s[1:]
		default:
			n := strings.IndexAny(s, ",()")
			if n < 0 {
				n = len(s)
			}
			label, parent, mark := s[:n], parents[len(parents)-1], int32(pslNormal)
			s = s[n:]
			if label == "*" {
				rules[parent] |= pslWildcard
				continue
			}
			if l, ok := strings.CutPrefix(label, "!"); ok {
				label, mark = l, pslException
			} else if l, ok := strings.CutSuffix(label, "?"); ok {
				label, mark = l, pslParentOnly
			}
			last = pslKey{rules[parent] >> 3, label}
			rules[last] = int32(len(rules)+1)<<3 | mark
		}
	}
	return rules
}

// publicSuffix mirrors publicsuffix.PublicSuffix (the suffix only; x/net
// list.go), its loop step for step, a map lookup for its find: labels
// right to left while the tree has them, a normal rule making its domain
// the suffix, a wildcard the next label's domain (even one the tree
// lacks), an exception its parent's; the last label when no rule matches
// (the implicit "*" rule). An IP address is its own suffix. The error is
// pslRules's.
func publicSuffix(domain string) (string, error) {
	if _, err := netip.ParseAddr(domain); err == nil {
		return domain, nil
	}
	rules, err := pslRules()
	if err != nil {
		return "", err
	}
	s, suffix, wildcard, node := domain, len(domain), false, int32(0)
	for {
		dot := strings.LastIndexByte(s, '.')
		if wildcard {
			suffix = 1 + dot
		}
		v, ok := rules[pslKey{node, s[1+dot:]}]
		if !ok {
			break
		}
		mark := v & 7
		if mark&pslException != 0 {
			suffix = 1 + len(s)
			break
		}
		if mark&pslParentOnly == 0 {
			suffix = 1 + dot
		}
		wildcard, node = mark&pslWildcard != 0, v>>3
		if dot == -1 {
			break
		}
		s = s[:dot]
	}
	if suffix == len(domain) {
		return domain[1+strings.LastIndexByte(domain, '.'):], nil
	}
	return domain[suffix:], nil
}
