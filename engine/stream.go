package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on a Stream, such as a CI file of fixtures for corsplay check.
// Each element is also held to MaxInputBytes.
const (
	MaxElements    = 10000    // elements in one array
	MaxStreamBytes = 64 << 20 // bytes of input in all
)

// A Stream reads one JSON value, or a JSON array of values, one value at a
// time: it holds the text of one value, never the whole input. A lone value
// is at most MaxInputBytes long (surrounding whitespace included); an array
// has at most MaxElements elements of MaxInputBytes each and MaxStreamBytes
// in all.
//
// A problem with one element (too long, not JSON) is that element's: the
// next call to Next goes on with the next element. A problem with the array
// itself (no comma between elements, no closing bracket, data after it, a
// limit of the whole input, a read error) ends the stream.
type Stream struct {
	r         *bufio.Reader
	read      int64 // bytes consumed
	line, col int   // of the next byte, from 1
	state     int
	many      bool
	index     int // see Index
	next      int // index of the next element
	buf       []byte
}

const (
	streamStart = iota
	streamArray
	streamDone
)

// NewStream returns a Stream reading from r.
func NewStream(r io.Reader) *Stream {
	return &Stream{r: bufio.NewReader(r), line: 1, col: 1, index: -1}
}

// Many reports whether the input is an array. It is known once Next has
// been called.
func (s *Stream) Many() bool { return s.many }

// Index is the index in the array of the element that Next returned last,
// or whose problem it returned; -1 for a lone value and for a problem that
// ended the stream.
func (s *Stream) Index() int { return s.index }

// Next returns the text of the next value, valid until the next call, or a
// *FieldError: the problem with that element, on its index ("[3]"), or one
// that ends the stream, when Index is -1. After the last value, or after a
// problem that ended the stream, it returns io.EOF.
func (s *Stream) Next() ([]byte, error) {
	switch s.state {
	case streamDone:
		return nil, io.EOF
	case streamStart:
		s.buf = s.buf[:0]
		c, err := s.skipSpace(true)
		if err == nil && c == '[' {
			s.take()
			s.many, s.state = true, streamArray
			return s.Next()
		}
		s.state = streamDone
		return s.lone(err)
	}
	s.index = -1
	c, err := s.skipSpace(false)
	if err != nil {
		return s.fail(err, s.truncated())
	}
	if c == ']' {
		s.take()
		return s.after()
	}
	if s.next > 0 {
		if c != ',' {
			return s.fail(nil, fmt.Sprintf("invalid JSON at line %d, column %d: want , or ] after element [%d]", s.line, s.col, s.next-1))
		}
		s.take()
		if c, err = s.skipSpace(false); err != nil {
			return s.fail(err, s.truncated())
		}
	}
	if s.next == MaxElements {
		return s.fail(nil, fmt.Sprintf("more than %d elements in one array: element [%d] and those after it are not read; split the input", MaxElements, s.next))
	}
	return s.element(c)
}

// Wrap returns err, a problem with the value that Next returned last, with
// the element's index put in front of its field path ("[3].request.url"); a
// lone value's problems are returned as they are. Wrap(nil) is nil.
func (s *Stream) Wrap(err error) error {
	if err == nil || s.index < 0 {
		return err
	}
	prefix := fmt.Sprintf("[%d]", s.index)
	var fe *FieldError
	if errors.As(err, &fe) {
		return &FieldError{joinField(prefix, fe.Field), fe.Problem}
	}
	return &FieldError{prefix, err.Error()}
}

// lone reads the rest of an input that is one value: all of it, up to
// MaxInputBytes.
func (s *Stream) lone(err error) ([]byte, error) {
	if err == io.EOF {
		return s.buf, nil // empty: the decoder says so
	}
	if err != nil {
		return s.fail(err, "")
	}
	rest, err := io.ReadAll(io.LimitReader(s.r, MaxInputBytes+1))
	if err != nil {
		return s.fail(err, "")
	}
	if n := s.read + int64(len(rest)); n > MaxInputBytes {
		more, _ := io.Copy(io.Discard, io.LimitReader(s.r, MaxStreamBytes))
		if n += more; n <= MaxStreamBytes {
			return nil, &FieldError{Problem: fmt.Sprintf("input is %d bytes, more than the %d allowed for one value (an array may hold %d values of that size)", n, MaxInputBytes, MaxElements)}
		}
		return nil, &FieldError{Problem: fmt.Sprintf("input is more than %d bytes", MaxStreamBytes)}
	}
	return append(s.buf, rest...), nil
}

// element reads one element of the array, whose first byte is c: up to the
// end of its object, array or string, or up to the byte that ends a number
// or a literal. It keeps at most MaxInputBytes+1 bytes of it.
func (s *Stream) element(c byte) ([]byte, error) {
	s.index = s.next
	s.next++
	line, col := s.line, s.col
	s.buf = s.buf[:0]
	size := 0
	scalar := c != '{' && c != '[' && c != '"'
	depth, inString, escaped := 0, false, false
	for done := false; !done; {
		chunk, err := s.chunk()
		if err == io.EOF && scalar {
			break // the missing ] is the next call's problem
		}
		if err != nil {
			return s.fail(err, fmt.Sprintf("truncated JSON: the input ends inside element [%d]", s.index))
		}
		n := 0
		for ; n < len(chunk) && !done; n++ {
			c := chunk[n]
			if scalar && (c == ',' || c == ']' || c == '}' || isJSONSpace(c)) {
				done = true
				break
			}
			switch {
			case escaped:
				escaped = false
			case inString && c == '\\':
				escaped = true
			case inString && c == '"':
				inString = false
				done = depth == 0
			case inString:
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
				done = depth == 0
			}
		}
		if keep := MaxInputBytes + 1 - len(s.buf); keep > 0 {
			s.buf = append(s.buf, chunk[:min(n, keep)]...)
		}
		size += n
		s.consume(chunk[:n])
	}
	prefix := fmt.Sprintf("[%d]", s.index)
	if size > MaxInputBytes {
		return nil, &FieldError{prefix, fmt.Sprintf("the element is %d bytes, more than the %d allowed for one element", size, MaxInputBytes)}
	}
	if size == 0 {
		return nil, &FieldError{prefix, fmt.Sprintf("invalid JSON at line %d, column %d: want a value", line, col)}
	}
	if json.Valid(s.buf) {
		return s.buf, nil
	}
	var syn *json.SyntaxError
	if !errors.As(json.Unmarshal(s.buf, new(json.RawMessage)), &syn) || syn.Offset >= int64(len(s.buf)) {
		// Only a number or a literal can end early: "tru", "-".
		return nil, &FieldError{prefix, fmt.Sprintf("invalid JSON at line %d, column %d: %s is not a JSON value", line, col, brief(s.buf))}
	}
	l, k := position(s.buf, syn.Offset)
	if l == 1 {
		k += col - 1
	}
	msg := strings.Replace(syn.Error(), "after top-level value", "after the value", 1)
	return nil, &FieldError{prefix, fmt.Sprintf("invalid JSON at line %d, column %d: %s", line+l-1, k, msg)}
}

// after reads what follows the array's closing bracket: whitespace only.
func (s *Stream) after() ([]byte, error) {
	_, err := s.skipSpace(false)
	if err == io.EOF {
		s.state = streamDone
		return nil, io.EOF
	}
	if err != nil {
		return s.fail(err, "")
	}
	return s.fail(nil, fmt.Sprintf("unexpected data after the array, at line %d, column %d", s.line, s.col))
}

// truncated says that the input ends before the array does.
func (s *Stream) truncated() string {
	return fmt.Sprintf("truncated JSON: the input ends at line %d, column %d, before the array's closing ]", s.line, s.col)
}

// fail ends the stream with a problem: problem, or what err says when it
// is more than the end of the input.
func (s *Stream) fail(err error, problem string) ([]byte, error) {
	s.state, s.index = streamDone, -1
	switch {
	case errors.Is(err, errTooLong):
		problem = fmt.Sprintf("input is more than %d bytes", MaxStreamBytes)
	case err != nil && err != io.EOF:
		problem = "reading: " + err.Error()
	}
	return nil, &FieldError{Problem: problem}
}

var errTooLong = errors.New("input too long")

// skipSpace reads whitespace and returns the next byte without reading it;
// keep keeps the whitespace in s.buf.
func (s *Stream) skipSpace(keep bool) (byte, error) {
	for {
		b, err := s.chunk()
		if err != nil {
			return 0, err
		}
		n := 0
		for n < len(b) && isJSONSpace(b[n]) {
			n++
		}
		if keep && len(s.buf) <= MaxInputBytes {
			s.buf = append(s.buf, b[:n]...)
		}
		s.consume(b[:n])
		if n < len(b) {
			return b[n], nil
		}
	}
}

// take reads one byte, which skipSpace returned.
func (s *Stream) take() {
	b, _ := s.r.Peek(1)
	s.consume(b)
}

// chunk returns the bytes read ahead, reading more when there are none,
// within MaxStreamBytes: consume moves past them.
func (s *Stream) chunk() ([]byte, error) {
	if _, err := s.r.Peek(1); err != nil {
		return nil, err
	}
	b, _ := s.r.Peek(s.r.Buffered())
	left := MaxStreamBytes - s.read
	if left == 0 {
		return nil, errTooLong
	}
	return b[:min(int64(len(b)), left)], nil
}

// consume moves past b, the first bytes of the last chunk.
func (s *Stream) consume(b []byte) {
	s.read += int64(len(b))
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		s.line += bytes.Count(b, []byte{'\n'})
		s.col = len(b) - i
	} else {
		s.col += len(b)
	}
	s.r.Discard(len(b))
}

// isJSONSpace reports whether c is JSON whitespace.
// https://www.rfc-editor.org/rfc/rfc8259#section-2
func isJSONSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}
