// Package xnetpsl reads the Public Suffix List rules golang.org/x/net's
// publicsuffix tables were generated from, and writes them as the label
// tree the engine embeds (engine/server/jub0bscors/psl.txt, whose format
// engine/server/jub0bscors/psl.go describes). tools/pslgen writes the file;
// libtest checks it and proves the engine's lookups against jub0bs/cors.
package xnetpsl

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// Rules reads the `var rules = [...]string{` list of x/net's
// publicsuffix/table_test.go from the module cache, at the x/net version
// go.mod requires (run from the module).
func Rules() ([]string, error) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/net").Output()
	if err != nil {
		return nil, fmt.Errorf("locating golang.org/x/net: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "publicsuffix", "table_test.go"))
	if err != nil {
		return nil, err
	}
	start := strings.Index(string(src), "var rules = [...]string{")
	if start < 0 {
		return nil, fmt.Errorf("no rules list in table_test.go")
	}
	end := strings.Index(string(src)[start:], "\n}")
	var rules []string
	for _, m := range regexp.MustCompile(`"([^"]*)"`).FindAllStringSubmatch(string(src)[start:start+end], -1) {
		rules = append(rules, m[1])
	}
	if len(rules) < 9000 {
		return nil, fmt.Errorf("read %d rules only", len(rules))
	}
	return rules, nil
}

// Tree writes the rules as the engine's label tree.
func Tree(rules []string) (string, error) {
	root := &node{}
	for _, rule := range rules {
		if err := root.add(rule); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	root.write(&b)
	return b.String() + "\n", nil
}

type kind byte

const (
	normal kind = iota
	exception
	parentOnly
)

// node is a label of the rule tree, as x/net's gen.go builds it: children
// in the order the rules first name them.
type node struct {
	label    string
	kind     kind
	wildcard bool
	children []*node
}

// add inserts one rule as gen.go does: "*.d" marks d wildcard (d itself
// parent-only unless another rule names it), "!d" marks d an exception, a
// node keeps the first kind a rule other than "*." gives it.
func (n *node) add(rule string) error {
	k, wildcard := normal, false
	switch {
	case strings.HasPrefix(rule, "*."):
		rule, k, wildcard = rule[2:], parentOnly, true
	case strings.HasPrefix(rule, "!"):
		rule, k = rule[1:], exception
	}
	labels := strings.Split(rule, ".")
	for i := len(labels) - 1; i >= 0; i-- {
		if l := labels[i]; l == "" || strings.ContainsAny(l, "*!?(),\n") {
			return fmt.Errorf("rule %q: label %q cannot be written", rule, l)
		}
		n = n.child(labels[i])
	}
	if k != parentOnly && n.kind == parentOnly {
		n.kind = k
	}
	n.wildcard = n.wildcard || wildcard
	return nil
}

func (n *node) child(label string) *node {
	for _, c := range n.children {
		if c.label == label {
			return c
		}
	}
	c := &node{label: label, kind: parentOnly}
	n.children = append(n.children, c)
	return c
}

// write writes n's children: "[!]label[?]" then, if it has any, its own
// children in parentheses, "*" first for a wildcard; commas between.
func (n *node) write(b *strings.Builder) {
	for i, c := range n.children {
		if i > 0 {
			b.WriteByte(',')
		}
		if c.kind == exception {
			b.WriteByte('!')
		}
		b.WriteString(c.label)
		if c.kind == parentOnly {
			b.WriteByte('?')
		}
		if c.wildcard || len(c.children) > 0 {
			b.WriteByte('(')
			if c.wildcard {
				b.WriteByte('*')
				if len(c.children) > 0 {
					b.WriteByte(',')
				}
			}
			c.write(b)
			b.WriteByte(')')
		}
	}
}
