package main

import (
	"os"
	"testing"

	"corsplay/internal/wasmbudget"
)

// TestWasmBudget: the app.wasm.br that TestMain or make wasm built does
// not grow past its ceiling (nothing else in make test would notice it
// grow), and says how far it is over its budget while it is.
func TestWasmBudget(t *testing.T) {
	st, err := os.Stat("web/app.wasm.br")
	if err != nil {
		t.Fatal(err)
	}
	if err := wasmbudget.CheckCeiling(st.Size()); err != nil {
		t.Error(err)
	}
	if err := wasmbudget.Check(st.Size()); err != nil {
		t.Log(err, "(issue 13: not met yet)")
	}
}
