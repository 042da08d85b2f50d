//go:build !wasm

// Command corsplay serves the CORS playground and runs its engine from the
// command line:
//
//	corsplay [serve] [-addr localhost:8080]   serve the page (app.wasm must be built: make run)
//	                                          and the live lab on the next port (-lab-addr, -no-lab)
//	corsplay check [FILE]                     evaluate scenarios (JSON) and print the outcomes
//	corsplay respond [FILE]                   print what a server answers to an HTTP request
//	corsplay static [-out dist]               write the playground as a folder for any static host
//	corsplay probe URL [-origin O] [-X M] [-H 'N: v']… [-credentials]
//	                                          send what a browser sends to your server, print each browser's verdict
//	corsplay import [FILE|-] [--entry N]      read a console error, a HAR, a copied fetch or curl, or curl's output:
//	                                          print the scenario it describes and what was assumed
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches on the first argument and returns the exit code. No
// argument, or a flag first, means serve; any other word that is not a
// command is an error (2), so that a typo never starts a server.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "check":
		return check(args, stdin, stdout, stderr)
	case "respond":
		return respond(args, stdin, stdout, stderr)
	case "static":
		return static(args, stderr)
	case "probe":
		return probe(args, stdout, stderr)
	case "import":
		return importEvidence(args, stdin, stdout, stderr)
	case "program":
		return program(args, stdin, stdout, stderr)
	case "serve":
		if err := serve(args); err != nil {
			fmt.Fprintln(stderr, "corsplay:", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "corsplay: unknown command %q: use serve, check, respond, static, probe, import or program\n\n%s", cmd, usage)
	return 2
}

const usage = `usage:
  corsplay [serve] [-addr localhost:8080]   serve the page and the live lab (-lab-addr, -no-lab)
  corsplay check [FILE]                     evaluate scenarios (JSON) and print the outcomes
  corsplay respond [FILE]                   print what a server answers to an HTTP request
  corsplay static [-out dist]               write the playground as a folder for any static host
  corsplay probe URL [-origin O] [-X M] [-H 'N: v']… [-credentials]
                                            send what a browser sends to your server, print each browser's verdict
  corsplay import [FILE|-] [--entry N]      read a console error, a HAR, a copied fetch or curl, or curl's output:
                                            print the scenario it describes and what was assumed
  corsplay import --library NAME[@VERSION] [FILE|-]
                                            read a library's own configuration text: print the server
  corsplay program [FILE]                   print the scenario's library server as a runnable program
`
