package pattern

import (
	"fmt"
	"sync"
)

// Set compiles the patterns of one server configuration, and refuses the
// one that takes their programs together over MaxSetInsts. A pattern
// compiled twice (an option a library reads for each resource) counts once.
type Set struct {
	insts int
	seen  map[string]bool
}

// SetTooComplexError is the pattern that takes a Set over MaxSetInsts.
type SetTooComplexError struct {
	Insts int // of the set with this pattern
}

func (e *SetTooComplexError) Error() string {
	return fmt.Sprintf("with this pattern the server's patterns compile to %d instructions in all: corsplay accepts up to %d", e.Insts, MaxSetInsts)
}

// Compile is Compile, counting the pattern in the set.
func (s *Set) Compile(expr string) (*Regexp, error) {
	r, err := cached(expr)
	if err != nil || s.seen[expr] {
		return r, err
	}
	if s.insts+r.insts > MaxSetInsts {
		return nil, &SetTooComplexError{Insts: s.insts + r.insts}
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[expr] = true
	s.insts += r.insts
	return r, nil
}

// Insts is the size of the set's programs together.
func (s *Set) Insts() int { return s.insts }

// cache keeps compiled patterns: the page evaluates on every keystroke, and
// a configuration's patterns rarely change between two. It holds at most
// cacheInsts instructions.
var cache struct {
	sync.Mutex
	m     map[string]*Regexp
	insts int
}

const cacheInsts = 8 * MaxSetInsts

func cached(expr string) (*Regexp, error) {
	cache.Lock()
	r, ok := cache.m[expr]
	cache.Unlock()
	if ok {
		return r, nil
	}
	r, err := Compile(expr)
	if err != nil {
		return nil, err
	}
	cache.Lock()
	defer cache.Unlock()
	if cache.m == nil || cache.insts+r.insts > cacheInsts {
		cache.m, cache.insts = map[string]*Regexp{}, 0
	}
	cache.m[expr] = r
	cache.insts += r.insts
	return r, nil
}
