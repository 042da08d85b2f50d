package wasmbudget

import "testing"

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		check func(int64) error
		size  int64
		want  string // "": within the limit
	}{
		{Check, 0, ""},
		{Check, 1_599_999, ""},
		{Check, 1_600_000, ""},
		{Check, 1_600_001, "app.wasm.br is 1600001 B, over its budget of 1600000 B by 1 B"},
		{Check, 1_629_096, "app.wasm.br is 1629096 B, over its budget of 1600000 B by 29096 B"},
		{CheckCeiling, 1_600_001, ""},
		{CheckCeiling, 1_625_000, ""},
		{CheckCeiling, 1_625_001, "app.wasm.br is 1625001 B, over its ceiling of 1625000 B by 1 B"},
	} {
		got := ""
		if err := tt.check(tt.size); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("check(%d) = %q, want %q", tt.size, got, tt.want)
		}
	}
}
