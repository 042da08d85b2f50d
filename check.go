//go:build !wasm

package main

import (
	"io"

	"corsplay/engine"
)

// check reads one scenario or an array of them (see batch) and prints the
// outcomes as JSON. It returns the process exit code: 2 for invalid input.
func check(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return batch("check", "scenarios", args, stdin, stdout, stderr, func(raw []byte) (any, error) {
		s, err := engine.DecodeOne(raw)
		if err != nil {
			return nil, err
		}
		return engine.Evaluate(s), nil
	})
}
