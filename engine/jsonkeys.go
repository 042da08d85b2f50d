package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"corsplay/engine/message"
)

// Strict JSON reading. encoding/json matches a key to a field whatever its
// case, keeps the last of two equal keys and names Go types in its errors.
// A scenario is typed by hand and shared as a link, so a key that does
// nothing, or silently overrides another, must be an error that names where
// it is.

// Unmarshal parses the JSON text data into v as json.Unmarshal does, but
// refuses, with a *FieldError naming the path (such as "request.repeat[0]"):
// an unknown key, a key spelt in another case than its field's, a key given
// twice in one object, and a value of the wrong JSON type (null only where
// the field may be absent: a pointer, a list or a map). A map's keys (a
// library's options) are compared exactly, as the library compares them;
// inside a json.RawMessage only repeated keys are refused; a type with its
// own UnmarshalJSON judges its value, and its error gets the path.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &json.InvalidUnmarshalError{Type: reflect.TypeOf(v)}
	}
	if !json.Valid(data) {
		return jsonError("", data, json.Unmarshal(data, new(json.RawMessage)))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := walker{data: data, dec: dec}
	if err := w.value(rv.Type().Elem(), ""); err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return jsonError("", data, err)
	}
	return nil
}

var (
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// walker follows a JSON text token by token along a Go type. The text is
// valid JSON (Unmarshal checked it), so a token error cannot happen; it is
// still returned rather than ignored.
type walker struct {
	data []byte
	dec  *json.Decoder
}

func (w *walker) value(t reflect.Type, path string) error {
	start := w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err != nil {
		return &FieldError{path, err.Error()}
	}
	return w.with(t, path, tok, start)
}

// with checks the value whose first token is tok and which starts at the
// offset start (give or take the separator before it).
func (w *walker) with(t reflect.Type, path string, tok json.Token, start int64) error {
	switch {
	case t == rawMessageType:
		return w.anything(path, tok)
	case reflect.PointerTo(t).Implements(unmarshalerType):
		// A type that reads itself, such as Header, says what is wrong.
		if err := w.skip(tok); err != nil {
			return err
		}
		v := reflect.New(t).Interface().(json.Unmarshaler)
		if err := v.UnmarshalJSON(w.text(start)); err != nil {
			return &FieldError{path, err.Error()}
		}
		return nil
	}
	if tok == nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			return nil
		}
		return wrongType(t, path, tok)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return w.with(t.Elem(), path, tok, start)
	case reflect.Struct:
		if tok != json.Delim('{') {
			return wrongType(t, path, tok)
		}
		return w.object(t, path)
	case reflect.Map:
		if tok != json.Delim('{') {
			return wrongType(t, path, tok)
		}
		return w.mapObject(t, path)
	case reflect.Slice:
		if tok != json.Delim('[') {
			return wrongType(t, path, tok)
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return w.end()
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return wrongType(t, path, tok)
		}
		return nil
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return wrongType(t, path, tok)
		}
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			return wrongType(t, path, tok)
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return &FieldError{path, fmt.Sprintf("the number %s is out of range", n)}
			}
			return &FieldError{path, fmt.Sprintf("want a whole number, got %s", n)}
		}
		return nil
	case reflect.Float64:
		n, ok := tok.(json.Number)
		if !ok {
			return wrongType(t, path, tok)
		}
		if _, err := strconv.ParseFloat(string(n), 64); err != nil {
			return &FieldError{path, fmt.Sprintf("the number %s is out of range", n)}
		}
		return nil
	}
	// No field of a scenario has another kind; json.Unmarshal judges it.
	return w.skip(tok)
}

// object checks the members of a JSON object read into the struct type t.
func (w *walker) object(t reflect.Type, path string) error {
	fields := map[string]reflect.Type{}
	var names []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
		names = append(names, name)
	}
	seen := map[string]bool{}
	for w.dec.More() {
		key, err := w.key()
		if err != nil {
			return err
		}
		p := fieldPath(path, key)
		ft, known := fields[key]
		switch {
		case known && seen[key]:
			return &FieldError{p, "given twice in one object"}
		case !known:
			for _, name := range names {
				if !strings.EqualFold(name, key) {
					continue
				}
				if seen[name] {
					return &FieldError{p, fmt.Sprintf("repeats %q in another case: keys are case-sensitive", name)}
				}
				return &FieldError{p, fmt.Sprintf("unknown field: keys are case-sensitive, write %q", name)}
			}
			return &FieldError{p, "unknown field: use " + orList(names)}
		}
		seen[key] = true
		if err := w.value(ft, p); err != nil {
			return err
		}
	}
	return w.end()
}

// mapObject checks a JSON object read into a map: its keys are its own,
// compared exactly, and each may appear once.
func (w *walker) mapObject(t reflect.Type, path string) error {
	return w.members(path, func(p string) error { return w.value(t.Elem(), p) })
}

// members reads the members of an object up to its closing brace, refusing
// a key given twice, and checks each value with value(its path).
func (w *walker) members(path string, value func(p string) error) error {
	seen := map[string]bool{}
	for w.dec.More() {
		key, err := w.key()
		if err != nil {
			return err
		}
		p := fieldPath(path, key)
		if seen[key] {
			return &FieldError{p, "given twice in one object"}
		}
		seen[key] = true
		if err := value(p); err != nil {
			return err
		}
	}
	return w.end()
}

// anything checks a value of any shape for keys given twice in one object.
func (w *walker) anything(path string, tok json.Token) error {
	switch tok {
	case json.Delim('{'):
		return w.members(path, func(p string) error {
			next, err := w.dec.Token()
			if err != nil {
				return &FieldError{p, err.Error()}
			}
			return w.anything(p, next)
		})
	case json.Delim('['):
		for i := 0; w.dec.More(); i++ {
			next, err := w.dec.Token()
			if err != nil {
				return &FieldError{path, err.Error()}
			}
			if err := w.anything(fmt.Sprintf("%s[%d]", path, i), next); err != nil {
				return err
			}
		}
		return w.end()
	}
	return nil
}

// skip reads the rest of the value that starts with tok.
func (w *walker) skip(tok json.Token) error {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := w.dec.Token()
		if err != nil {
			return &FieldError{"", err.Error()}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

func (w *walker) key() (string, error) {
	tok, err := w.dec.Token()
	if err != nil {
		return "", &FieldError{"", err.Error()}
	}
	return tok.(string), nil // an object's member starts with its key
}

// end reads the closing ] or } of the current array or object.
func (w *walker) end() error {
	if _, err := w.dec.Token(); err != nil {
		return &FieldError{"", err.Error()}
	}
	return nil
}

// text is the JSON text of the value from start to where the decoder is.
func (w *walker) text(start int64) []byte {
	return bytes.TrimLeft(w.data[start:w.dec.InputOffset()], " \t\r\n,:")
}

// wrongType says what the field wants and what it got, in JSON's terms.
func wrongType(t reflect.Type, path string, tok json.Token) error {
	return &FieldError{path, fmt.Sprintf("want %s, got %s", wantOf(t), jsonKind(tok))}
}

// wantOf names the JSON type a value of Go type t is written as.
func wantOf(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

func jsonKind(tok json.Token) string {
	switch tok := tok.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return strconv.FormatBool(tok)
	case json.Delim:
		if tok == '[' {
			return "an array"
		}
	}
	return "an object"
}

// fieldPath names the member key of the object at path: path.key, or
// path["key"] for a key that is not a plain name.
func fieldPath(path, key string) string {
	plain := key != ""
	for _, c := range key {
		if !(c == '_' || c == '-' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			plain = false
		}
	}
	if !plain {
		return path + "[" + strconv.Quote(key) + "]"
	}
	return joinField(path, key)
}

// orList writes names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// brief is JSON text made compact and cut to a length that fits a message.
func brief(text []byte) string { return message.BriefJSON(text) }
