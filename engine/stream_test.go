package engine_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"corsplay/engine"
)

// streamResult is what one call to Next gave.
type streamResult struct {
	index int
	text  string // the value, or "error: " and the problem
}

// readStream calls Next until io.EOF.
func readStream(in string) (results []streamResult, many bool) {
	st := engine.NewStream(strings.NewReader(in))
	for {
		raw, err := st.Next()
		if err == io.EOF {
			return results, st.Many()
		}
		r := streamResult{st.Index(), string(raw)}
		if err != nil {
			r.text = "error: " + err.Error()
		}
		results = append(results, r)
	}
}

var streamTests = []struct {
	name, in string
	many     bool
	want     []streamResult
}{
	{"one value", ` {"a": 1} `, false, []streamResult{{-1, ` {"a": 1} `}}},
	{"empty input", ``, false, []streamResult{{-1, ``}}},
	{"empty array", " [ ] \n", true, nil},
	{"scalars", `[1, "a,]}", true,null , -2.5e3]`, true, []streamResult{{0, `1`}, {1, `"a,]}"`}, {2, `true`}, {3, `null`}, {4, `-2.5e3`}}},
	{"nested", `[{"a":[1,{"b":"]"}]},[[]]]`, true, []streamResult{{0, `{"a":[1,{"b":"]"}]}`}, {1, `[[]]`}}},
	{"escapes", `["a\"]", "\\", {"\\\"":"}"}]`, true, []streamResult{{0, `"a\"]"`}, {1, `"\\"`}, {2, `{"\\\"":"}"}`}}},
	// A bad element is that element's problem; the others are read.
	{"bad element between good ones", "[{\"a\":1},\n {\"a\":,},\n {\"a\":3}]", true, []streamResult{
		{0, `{"a":1}`},
		{1, `error: [1]: invalid JSON at line 2, column 7: invalid character ',' looking for beginning of value`},
		{2, `{"a":3}`},
	}},
	{"bad literal", `[tru, 2]`, true, []streamResult{{0, `error: [0]: invalid JSON at line 1, column 2: tru is not a JSON value`}, {1, `2`}}},
	{"bad number", `[1, -]`, true, []streamResult{{0, `1`}, {1, `error: [1]: invalid JSON at line 1, column 5: - is not a JSON value`}}},
	{"bad number inside", `[1, 0x1]`, true, []streamResult{{0, `1`}, {1, `error: [1]: invalid JSON at line 1, column 6: invalid character 'x' after the value`}}},
	{"missing element", `[1,,2]`, true, []streamResult{{0, `1`}, {1, `error: [1]: invalid JSON at line 1, column 4: want a value`}, {2, `2`}}},
	{"trailing comma", `[1,]`, true, []streamResult{{0, `1`}, {1, `error: [1]: invalid JSON at line 1, column 4: want a value`}}},
	// A problem with the array ends the stream.
	{"no comma", `[1 2]`, true, []streamResult{{0, `1`}, {-1, `error: invalid JSON at line 1, column 4: want , or ] after element [0]`}}},
	{"not closed", "[1,\n2", true, []streamResult{{0, `1`}, {1, `2`}, {-1, `error: truncated JSON: the input ends at line 2, column 2, before the array's closing ]`}}},
	{"ends inside an element", `[{"a":[1`, true, []streamResult{{-1, `error: truncated JSON: the input ends inside element [0]`}}},
	{"ends inside a string", `["abc`, true, []streamResult{{-1, `error: truncated JSON: the input ends inside element [0]`}}},
	{"data after", "[1]\n,", true, []streamResult{{0, `1`}, {-1, `error: unexpected data after the array, at line 2, column 1`}}},
	{"closing brace", `[}`, true, []streamResult{{0, `error: [0]: invalid JSON at line 1, column 2: want a value`}, {-1, `error: invalid JSON at line 1, column 2: want , or ] after element [0]`}}},
}

func TestStream(t *testing.T) {
	for _, tt := range streamTests {
		t.Run(tt.name, func(t *testing.T) {
			got, many := readStream(tt.in)
			if many != tt.many || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Stream(%q)\n got  %v (many %v)\n want %v (many %v)", tt.in, got, many, tt.want, tt.many)
			}
		})
	}
}

// arrayOf writes n copies of elem as a JSON array.
func arrayOf(n int, elem string) string {
	return "[" + strings.TrimSuffix(strings.Repeat(elem+",", n), ",") + "]"
}

// jsonString returns a JSON string exactly n bytes long.
func jsonString(n int) string {
	return `"` + strings.Repeat("x", n-2) + `"`
}

func TestStreamLimits(t *testing.T) {
	// MaxElements scenarios decode; one more is refused.
	small := `{"v":1,"page":"null","request":{"url":"https://a.example/"}}`
	ss, many, err := engine.Decode([]byte(arrayOf(engine.MaxElements, small)))
	if err != nil || !many || len(ss) != engine.MaxElements {
		t.Errorf("Decode(%d scenarios) = %d, %v, %v", engine.MaxElements, len(ss), many, err)
	}
	got, _ := readStream(arrayOf(engine.MaxElements+1, "1"))
	const tooMany = "error: more than 10000 elements in one array: element [10000] and those after it are not read; split the input"
	if len(got) != engine.MaxElements+1 || got[engine.MaxElements-1].text != "1" || got[engine.MaxElements] != (streamResult{-1, tooMany}) {
		t.Errorf("Stream(%d elements): %d results, last %v", engine.MaxElements+1, len(got), got[len(got)-1])
	}

	// An element of MaxInputBytes is read, one byte more is its problem.
	got, _ = readStream("[" + jsonString(engine.MaxInputBytes) + ",\n" + jsonString(engine.MaxInputBytes+1) + ", 3]")
	if len(got) != 3 || len(got[0].text) != engine.MaxInputBytes || got[2].text != "3" {
		t.Fatalf("Stream(64 KiB, 64 KiB + 1, 3): %d results", len(got))
	}
	if want := (streamResult{1, "error: [1]: the element is 65537 bytes, more than the 65536 allowed for one element"}); got[1] != want {
		t.Errorf("Stream: element of 64 KiB + 1: %v, want %v", got[1], want)
	}

	// A lone value of MaxInputBytes, whitespace included, is read; one more
	// byte is refused.
	got, _ = readStream(padTo(" "+small, engine.MaxInputBytes))
	if len(got) != 1 || got[0].index != -1 || len(got[0].text) != engine.MaxInputBytes {
		t.Errorf("Stream(lone value of 64 KiB): %d results", len(got))
	}
	got, _ = readStream(padTo(small, engine.MaxInputBytes+1))
	if want := "error: input is 65537 bytes, more than the 65536 allowed for one value (an array may hold 10000 values of that size)"; len(got) != 1 || got[0].text != want {
		t.Errorf("Stream(lone value of 64 KiB + 1) = %v, want %s", got, want)
	}

	// MaxStreamBytes in all are read, one more byte is refused where it
	// falls.
	elem := jsonString(60 << 10)
	n := engine.MaxStreamBytes / (len(elem) + 1)
	in := arrayOf(n, elem)
	fill := jsonString(engine.MaxStreamBytes - len(in) - 1) // the last element fills the input to the byte
	in = in[:len(in)-1] + "," + fill + "]"
	if len(in) != engine.MaxStreamBytes {
		t.Fatalf("built %d bytes, want %d", len(in), engine.MaxStreamBytes)
	}
	if count, last := lastOfStream(in); count != n+1 || last != (streamResult{n, fill}) {
		t.Errorf("Stream(64 MiB): %d results, last %.80v", count, last)
	}
	const tooLong = "error: input is more than 67108864 bytes"
	if count, last := lastOfStream(in + " "); count != n+2 || last != (streamResult{-1, tooLong}) {
		t.Errorf("Stream(64 MiB + 1): %d results, last %.80v, want %s", count, last, tooLong)
	}
	if count, last := lastOfStream(strings.Repeat(" ", engine.MaxStreamBytes) + "{}"); count != 1 || last != (streamResult{-1, tooLong}) {
		t.Errorf("Stream(64 MiB of spaces, then {}): %d results, last %.80v, want %s", count, last, tooLong)
	}
}

// lastOfStream calls Next until io.EOF and returns how many results it gave
// and the last one.
func lastOfStream(in string) (count int, last streamResult) {
	st := engine.NewStream(strings.NewReader(in))
	for {
		raw, err := st.Next()
		if err == io.EOF {
			return count, last
		}
		count++
		last = streamResult{st.Index(), string(raw)}
		if err != nil {
			last.text = "error: " + err.Error()
		}
	}
}

// Wrap puts an element's index in front of the field path of its problems.
func TestStreamWrap(t *testing.T) {
	st := engine.NewStream(strings.NewReader(`[1, 2]`))
	st.Next()
	st.Next()
	for err, want := range map[error]string{
		&engine.FieldError{Field: "request.url", Problem: "p"}: "[1].request.url: p",
		&engine.FieldError{Field: "[0]", Problem: "p"}:         "[1][0]: p",
		&engine.FieldError{Problem: "p"}:                       "[1]: p",
		errors.New("p"):                                        "[1]: p",
	} {
		if got := st.Wrap(err); got.Error() != want {
			t.Errorf("Wrap(%v) = %v, want %s", err, got, want)
		}
	}
	if st.Wrap(nil) != nil {
		t.Errorf("Wrap(nil) != nil")
	}
	lone := engine.NewStream(strings.NewReader(`{}`))
	lone.Next()
	err := &engine.FieldError{Field: "v", Problem: "p"}
	if got := lone.Wrap(err); got != error(err) {
		t.Errorf("Wrap of a lone value's problem = %v, want it unchanged", got)
	}
}

// FuzzStream: Next never panics and always ends; on input that
// encoding/json reads as an array within the limits, the elements are
// exactly its elements; on any other JSON value, the one value is the
// input.
func FuzzStream(f *testing.F) {
	for _, tt := range streamTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st := engine.NewStream(bytes.NewReader(data))
		var values [][]byte
		failed := false
		for calls := 0; ; calls++ {
			if calls > len(data)+2 {
				t.Fatalf("Stream(%q): more than %d calls to Next", data, calls)
			}
			raw, err := st.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				failed = true
				if _, ok := errors.AsType[*engine.FieldError](err); !ok {
					t.Fatalf("Stream(%q): error %T %v", data, err, err)
				}
				continue
			}
			values = append(values, bytes.Clone(raw))
		}
		if !json.Valid(data) {
			if !failed && st.Many() {
				t.Errorf("Stream(%q): invalid JSON read without a problem", data)
			}
			return
		}
		var elems []json.RawMessage
		if json.Unmarshal(data, &elems) != nil || elems == nil {
			if st.Many() || failed || len(values) != 1 || !bytes.Equal(values[0], data) {
				t.Errorf("Stream(%q): many %v, failed %v, %q; want the one value", data, st.Many(), failed, values)
			}
			return
		}
		if failed || !st.Many() || len(values) != len(elems) {
			t.Fatalf("Stream(%q): many %v, failed %v, %d values; want %d", data, st.Many(), failed, len(values), len(elems))
		}
		for i := range elems {
			if !bytes.Equal(values[i], elems[i]) {
				t.Errorf("Stream(%q) element %d = %q, want %q", data, i, values[i], elems[i])
			}
		}
	})
}
