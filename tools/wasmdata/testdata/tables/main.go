// Command tables prints a checksum of initialised data with runs of zeros
// in it: wasmdata's test runs it before and after the join.
package main

import (
	"fmt"
	"hash/crc32"
)

// table has runs of zeros of several lengths between non-zero values,
// which Go's linker writes as several segments (as it does the runtime's
// own tables, which must survive the join too).
var table = [...]uint32{
	1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6,
	0xdeadbeef, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7,
}

var words = []string{"cors", "", "preflight", "", "", "", "Access-Control-Allow-Origin", "Vary: Origin"}

func main() {
	h := crc32.NewIEEE()
	for _, v := range table {
		fmt.Fprint(h, v, ",")
	}
	for _, w := range words {
		fmt.Fprint(h, w, ",")
	}
	fmt.Printf("%08x\n", h.Sum32())
}
