// Command psljs writes web/psl.js, the script that gives the page the
// Public Suffix List (engine/server/jub0bscors/psl.go): psl.txt as the
// string self.corsplayPSL. Run it from the module root, as make wasm does:
// go run ./tools/psljs.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	if err := run("engine/server/jub0bscors/psl.txt", "web/psl.js"); err != nil {
		fmt.Fprintln(os.Stderr, "psljs:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	text, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	lit, err := json.Marshal(string(text)) // a JSON string is a JavaScript string literal
	if err != nil {
		return err
	}
	return os.WriteFile(out, fmt.Appendf(nil, "// The Public Suffix List for corsplay's jub0bs/cors emulation (tools/psljs).\nself.corsplayPSL = %s;\n", lit), 0o644)
}
