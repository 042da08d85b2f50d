//go:build !wasm

// Command corsplay serves the CORS playground and runs its engine from the
// command line:
//
//	corsplay [serve] [-addr localhost:8080]   serve the page (app.wasm must be built: make run)
//	                                          and the live lab on the next port (-lab-addr, -no-lab)
//	corsplay check [FILE]                     evaluate scenarios (JSON) and print the outcomes
//	corsplay respond [FILE]                   print what a server answers to an HTTP request
//	corsplay static [-out dist]               write the playground as a folder for any static host
package main

import (
	"fmt"
	"os"
)

func main() {
	args := os.Args[1:]
	cmd := "serve"
	if len(args) > 0 && (args[0] == "check" || args[0] == "respond" || args[0] == "serve" || args[0] == "static") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "check":
		os.Exit(check(args, os.Stdin, os.Stdout, os.Stderr))
	case "respond":
		os.Exit(respond(args, os.Stdin, os.Stdout, os.Stderr))
	case "static":
		os.Exit(static(args, os.Stderr))
	default:
		if err := serve(args); err != nil {
			fmt.Fprintln(os.Stderr, "corsplay:", err)
			os.Exit(1)
		}
	}
}
