// Package wasmbudget holds app.wasm's size budget, which make bench
// reports and make test enforces.
package wasmbudget

import "fmt"

// Brotli is the most bytes web/app.wasm.br may have (issue 13).
const Brotli = 1_600_000

// Check reports an error when a brotli app.wasm of size bytes is over the
// budget.
func Check(size int64) error {
	if size <= Brotli {
		return nil
	}
	return fmt.Errorf("app.wasm.br is %d B, over its budget of %d B by %d B", size, Brotli, size-Brotli)
}
