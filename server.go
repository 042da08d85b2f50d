//go:build !wasm

// Command corsplay serves the CORS playground and runs its engine from the
// command line:
//
//	corsplay check [FILE]   evaluate scenarios (JSON) and print the outcomes
package main

import (
	"fmt"
	"os"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "check" {
		os.Exit(check(args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	fmt.Fprintln(os.Stderr, "usage: corsplay check [FILE]")
	os.Exit(2)
}
