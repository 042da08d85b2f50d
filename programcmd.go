//go:build !wasm

package main

import (
	"fmt"
	"io"
	"os"

	"corsplay/engine"
)

// program prints the runnable program (in the library's language) that
// serves /r with the scenario's library configuration: the program
// libtest runs to prove the emulation. It returns 2 for a scenario it
// cannot read or whose library has no program.
func program(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		fmt.Fprintln(stderr, "usage: corsplay program [FILE|-]")
		return 2
	}
	in, label := stdin, "standard input"
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			fmt.Fprintf(stderr, "program: %v\n", err)
			return 2
		}
		defer f.Close()
		in, label = f, args[0]
	}
	data, err := io.ReadAll(io.LimitReader(in, engine.MaxInputBytes+1))
	if err == nil && len(data) > engine.MaxInputBytes {
		err = fmt.Errorf("more than %d bytes, the most corsplay reads", engine.MaxInputBytes)
	}
	var s engine.Scenario
	if err == nil {
		s, err = engine.DecodeOne(data)
	}
	if err != nil {
		fmt.Fprintf(stderr, "program: %s: %v\n", label, err)
		return 2
	}
	if s.Server.Library == nil {
		fmt.Fprintf(stderr, "program: %s: server: the server is not a library: corsplay writes programs for library servers\n", label)
		return 2
	}
	code, err := s.Server.Library.Program(engine.RoutePath(s.Request.URL))
	if err == nil && code == "" {
		err = fmt.Errorf("corsplay writes no program for %s yet", s.Server.Library.Name)
	}
	if err != nil {
		fmt.Fprintf(stderr, "program: %s: %v\n", label, err)
		return 2
	}
	io.WriteString(stdout, code)
	return 0
}
