//go:build !wasm

package main

import (
	"encoding/json"
	"fmt"
	"io"

	"corsplay/engine"
)

// check reads one scenario or an array of them from the named file, or from
// standard input when the name is absent or "-", and prints the outcomes as
// JSON. It returns the process exit code: 2 for invalid input.
func check(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name, data, code := readInput("check", args, stdin, stderr)
	if code != 0 {
		return code
	}
	scenarios, many, err := engine.Decode(data)
	if err != nil {
		fmt.Fprintf(stderr, "check: %s: %v\n", name, err)
		return 2
	}
	outcomes := make([]engine.Outcome, len(scenarios))
	for i, s := range scenarios {
		outcomes[i] = engine.Evaluate(s)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if many {
		err = enc.Encode(outcomes)
	} else {
		err = enc.Encode(outcomes[0])
	}
	if err != nil {
		fmt.Fprintf(stderr, "check: %v\n", err)
		return 1
	}
	return 0
}
