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
// instead of its own. A scenario with a challenge gets the check of its
// outcome against it ("challenge": {"met", "unmet"}); -solution evaluates
// the challenge's solution merged into the scenario instead, and checks it
// against the same challenge. A scenario with predictions gets them asked
// and answered ("predictions": question, choices, answer, step). It returns the process exit code: 2 for
// invalid input.
func check(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	browser := fl.String("browser", "", "evaluate with this browser's profile: "+strings.Join(engine.Profiles, ", "))
	solution := fl.Bool("solution", false, "evaluate each scenario's challenge solution merged into it, and check it against the challenge")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: corsplay check [-browser NAME] [-solution] [FILE]")
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
		if s.Challenge == nil {
			if *solution {
				return nil, &engine.FieldError{Field: "challenge", Problem: "missing: -solution checks a scenario's challenge solution, and this scenario has no challenge"}
			}
			return evaluate(s), nil
		}
		// The start is the scenario as given (with -browser's profile);
		// the attempt is the start itself, or its solution.
		attempt := s
		if *solution {
			if attempt, err = s.Solved(); err != nil {
				return nil, err
			}
			if *browser != "" {
				attempt.Browser = *browser
			}
		}
		out := evaluate(attempt)
		r := s.Challenge.Check(s, attempt, out)
		out.Challenge = &r
		return out, nil
	})
}

// evaluate is s's outcome with its predictions answered.
func evaluate(s engine.Scenario) engine.Outcome {
	out := engine.Evaluate(s)
	for _, p := range s.Predict {
		out.Predictions = append(out.Predictions, p.Reveal(s, out))
	}
	return out
}
