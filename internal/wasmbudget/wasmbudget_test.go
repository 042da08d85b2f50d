package wasmbudget

import "testing"

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		size int64
		want string // "": within the budget
	}{
		{0, ""},
		{1_599_999, ""},
		{1_600_000, ""},
		{1_600_001, "app.wasm.br is 1600001 B, over its budget of 1600000 B by 1 B"},
		{1_629_096, "app.wasm.br is 1629096 B, over its budget of 1600000 B by 29096 B"},
	} {
		got := ""
		if err := Check(tt.size); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("check(%d) = %q, want %q", tt.size, got, tt.want)
		}
	}
}
