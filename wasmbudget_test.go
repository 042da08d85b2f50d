package main

import (
	"os"
	"testing"

	"corsplay/internal/wasmbudget"
)

// TestWasmBudget: the app.wasm.br that TestMain or make wasm built is
// within its budget (nothing else in make test would notice it grow).
func TestWasmBudget(t *testing.T) {
	st, err := os.Stat("web/app.wasm.br")
	if err != nil {
		t.Fatal(err)
	}
	if err := wasmbudget.Check(st.Size()); err != nil {
		t.Error(err)
	}
}
