// Command tables prints a checksum of initialised data with runs of zeros
// in it: wasmdata's test runs it before and after the join. It uses the
// runtime alone (println), so that the test builds little.
package main

// table has runs of zeros of several lengths between non-zero values,
// which Go's linker writes as several segments (as it does the runtime's
// own tables, which must survive the join too).
var table = [...]uint32{
	1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6,
	0xdeadbeef, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7,
}

var words = []string{"cors", "", "preflight", "", "", "", "Access-Control-Allow-Origin", "Vary: Origin"}

// main prints the FNV-1a hash of the table's values and the words' bytes.
func main() {
	h := uint32(2166136261)
	add := func(b byte) { h = (h ^ uint32(b)) * 16777619 }
	for _, v := range table {
		add(byte(v))
		add(byte(v >> 8))
		add(byte(v >> 16))
		add(byte(v >> 24))
	}
	for _, w := range words {
		for i := range len(w) {
			add(w[i])
		}
		add(0)
	}
	println(h)
}
