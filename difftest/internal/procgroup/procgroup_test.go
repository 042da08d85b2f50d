package procgroup

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// A leader with a child in its group and a daemon-like grandchild in a
// session of its own (as Firefox's crash helper): Stop ends and reaps all.
func TestStop(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 300 & (setsid sleep 300 &); echo started; exec sleep 300")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	g, err := Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if _, err := out.Read(buf); err != nil { // the shell has forked both
		t.Fatal(err)
	}
	var marked map[int]bool
	for deadline := time.Now().Add(5 * time.Second); len(marked) < 3 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		marked = g.marked()
	}
	if len(marked) != 3 {
		t.Fatalf("marked processes %v, want the leader and two sleeps", marked)
	}
	quit := false
	if err := g.Stop(func() { quit = true }, 0); err != nil {
		t.Fatal(err)
	}
	if !quit {
		t.Error("Stop did not ask the leader to quit")
	}
	for pid := range marked {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
			t.Errorf("process %d is still there (zombie or not)", pid)
		}
	}
}
