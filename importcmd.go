//go:build !wasm

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

// importEvidence reads what a developer holds after a CORS failure (console
// output, a HAR file, a copied fetch() or curl command, curl's output)
// from FILE or standard input ("-" or no name) and prints the scenario it
// describes, with what was assumed, as JSON: {"source", "browser",
// "scenario", "assumed", "notes"}. It returns 2 for input it cannot read,
// and lists the accepted forms when it recognises none.
func importEvidence(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("import", flag.ContinueOnError)
	fl.SetOutput(stderr)
	entry := fl.Int("entry", 0, "the HAR entry to import, counted from 1 (default: the first cross-origin request that fails)")
	library := fl.String("library", "", "read this library's own configuration text (NAME or NAME@VERSION, e.g. starlette, flask-cors@6.0.2) and print the server it configures")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: corsplay import [FILE|-] [--entry N] [--library NAME[@VERSION]]")
		fl.PrintDefaults()
	}
	// FILE may come before or after the flags.
	var name string
	if len(args) > 0 && (args[0] == "-" || len(args[0]) > 0 && args[0][0] != '-') {
		name, args = args[0], args[1:]
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	switch {
	case name == "" && fl.NArg() == 1:
		name = fl.Arg(0)
	case fl.NArg() > 0:
		fl.Usage()
		return 2
	}
	in, label := stdin, "standard input"
	if name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "import: %v\n", err)
			return 2
		}
		defer f.Close()
		in, label = f, name
	}
	// The same bound as check's and respond's input in all.
	text, err := io.ReadAll(io.LimitReader(in, evidence.MaxInputBytes+1))
	if err != nil {
		fmt.Fprintf(stderr, "import: %s: %v\n", label, err)
		return 2
	}
	if len(text) > evidence.MaxInputBytes {
		fmt.Fprintf(stderr, "import: %s: input is more than %d bytes (%d MiB), the most corsplay reads\n", label, evidence.MaxInputBytes, evidence.MaxInputBytes>>20)
		return 2
	}
	if *library != "" {
		return importLibraryConfig(*library, label, text, stdout, stderr)
	}
	r, err := evidence.Import(text, evidence.Options{Entry: *entry})
	if err != nil {
		// evidence.ErrUnrecognised lists the accepted forms.
		fmt.Fprintf(stderr, "import: %s: %v\n", label, err)
		return 2
	}
	out, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "import: %v\n", err)
		return 1
	}
	stdout.Write(append(out, '\n'))
	return 0
}

// importLibraryConfig prints {"library": {...}}, the server that a
// library's own configuration text sets up.
func importLibraryConfig(choice, label string, text []byte, stdout, stderr io.Writer) int {
	name, version, _ := strings.Cut(choice, "@")
	l := engine.Library{Name: name, Version: version}
	if _, ok := l.Doc(); !ok {
		fmt.Fprintf(stderr, "import: --library %q: use one of %s (NAME@VERSION for another version)\n", choice, strings.Join(engine.LibraryNames(), ", "))
		return 2
	}
	l, err := l.ImportConfig(string(text))
	if err != nil {
		fmt.Fprintf(stderr, "import: %s: %v\n", label, err)
		return 2
	}
	out, _ := json.MarshalIndent(engine.Server{Library: &l}, "", "  ")
	stdout.Write(append(out, '\n'))
	return 0
}
