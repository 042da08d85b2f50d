//go:build !wasm

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"corsplay/engine"
)

// elementError stands in the output array for an input element that could
// not be read or decoded, so that output [i] always answers input [i].
type elementError struct {
	Error string `json:"error"`
}

// batch is check's and respond's loop. It reads one value or an array of
// values (engine.Stream: 64 KiB each, up to 10,000 of them and 64 MiB in
// all) from FILE, or from standard input when the name is absent or "-",
// and prints what each returns as JSON as soon as it has it: one value
// gives one result, an array gives an array of results. A problem with an
// element is printed to stderr and stands in its place in the output as
// {"error": "[3].request.url: ..."}; the other elements still get their
// results. A problem with the input as a whole (a limit, broken JSON
// between elements) ends it: the output array is closed after the results
// so far. Any problem makes the exit code 2, at the end; for an array a
// last line counts the invalid elements, noun naming them ("scenarios").
func batch(cmd, noun string, args []string, stdin io.Reader, stdout, stderr io.Writer, each func(raw []byte) (any, error)) int {
	if len(args) > 1 {
		fmt.Fprintf(stderr, "usage: corsplay %s [FILE]\n", cmd)
		return 2
	}
	in, name := stdin, "standard input"
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
			return 2
		}
		defer f.Close()
		in, name = f, args[0]
	}
	out := &results{w: bufio.NewWriter(stdout)}
	st := engine.NewStream(in)
	bad, badElements := 0, 0
	for {
		raw, err := st.Next()
		if err == io.EOF {
			break
		}
		var result any
		if err == nil {
			result, err = each(raw)
			err = st.Wrap(err)
		}
		if err != nil {
			bad++
			fmt.Fprintf(stderr, "%s: %s: %v\n", cmd, name, err)
			if st.Index() < 0 {
				continue
			}
			badElements++
			result = elementError{err.Error()}
		}
		if err := out.put(result, st.Many()); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
			return 1
		}
	}
	if err := out.close(st.Many()); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return 1
	}
	if badElements > 0 {
		fmt.Fprintf(stderr, "%s: %s: %d of %d %s invalid\n", cmd, name, badElements, out.n, noun)
	}
	if bad > 0 {
		return 2
	}
	return 0
}

// results writes JSON results as they come: one, or the elements of an
// array laid out as json.MarshalIndent lays out the whole array.
type results struct {
	w *bufio.Writer
	n int // elements written
}

func (r *results) put(v any, inArray bool) error {
	if !inArray {
		text, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		r.w.Write(text)
		_, err = r.w.WriteString("\n")
		return err
	}
	text, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		return err
	}
	if r.n == 0 {
		r.w.WriteString("[\n  ")
	} else {
		r.w.WriteString(",\n  ")
	}
	r.n++
	_, err = r.w.Write(text)
	return err
}

// close ends the array, if any, and flushes.
func (r *results) close(inArray bool) error {
	switch {
	case inArray && r.n == 0:
		r.w.WriteString("[]\n")
	case inArray:
		r.w.WriteString("\n]\n")
	}
	return r.w.Flush()
}
