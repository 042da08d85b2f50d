//go:build !wasm

package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"corsplay/engine"
)

// check reads one scenario or an array of them (see batch) and prints the
// outcomes as JSON; -browser evaluates every scenario with that profile
// instead of its own. It returns the process exit code: 2 for invalid
// input.
func check(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	browser := fl.String("browser", "", "evaluate with this browser's profile: "+strings.Join(engine.Profiles, ", "))
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: corsplay check [-browser NAME] [FILE]")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if *browser != "" && !slices.Contains(engine.Profiles, *browser) {
		fmt.Fprintf(stderr, "check: -browser %q: use one of %s\n", *browser, strings.Join(engine.Profiles, ", "))
		return 2
	}
	return batch("check", "scenarios", fl.Args(), stdin, stdout, stderr, func(raw []byte) (any, error) {
		s, err := engine.DecodeOne(raw)
		if err != nil {
			return nil, err
		}
		if *browser != "" {
			s.Browser = *browser
		}
		return engine.Evaluate(s), nil
	})
}
