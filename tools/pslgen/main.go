// Command pslgen writes engine/server/jub0bscors/psl.txt, the Public Suffix
// List the engine's jub0bs/cors emulation embeds, from the rules
// golang.org/x/net's publicsuffix tables were generated from
// (internal/xnetpsl). Run it from the module root: go run ./tools/pslgen.
// The format is described in engine/server/jub0bscors/psl.go.
package main

import (
	"flag"
	"fmt"
	"os"

	"corsplay/internal/xnetpsl"
)

func main() {
	out := flag.String("out", "engine/server/jub0bscors/psl.txt", "the file to write")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "pslgen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	rules, err := xnetpsl.Rules()
	if err != nil {
		return err
	}
	tree, err := xnetpsl.Tree(rules)
	if err != nil {
		return err
	}
	return os.WriteFile(out, []byte(tree), 0o644)
}
