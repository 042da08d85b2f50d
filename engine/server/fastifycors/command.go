//go:build !wasm

package fastifycors

// The program and the configuration text serve the command, the lab and
// libtest: the page does not carry them (app.wasm's size budget; README,
// Performance and size).
func init() { library.Export, library.Import = export, importOptions }
