package difftest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"corsplay/internal/syncbuf"
)

// proc is a process started in its own process group, so that it can be
// stopped with everything it spawned (MiniBrowser's WebKitNetworkProcess
// and WebKitWebProcess stay in its group).
type proc struct {
	name   string
	cmd    *exec.Cmd
	output syncbuf.Buffer // stdout and stderr, for error messages
}

// startProc starts name with args, env added to the test's environment and
// extra as its files 3 and up; t.Cleanup stops it and its group, and fails
// if any process of the group is left, even a zombie.
func startProc(t *testing.T, env []string, extra []*os.File, name string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(name, args...)}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.output, &p.output
	p.cmd.ExtraFiles = extra
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A process that left the group would keep the output pipe open, and
	// Wait waiting for it.
	p.cmd.WaitDelay = 5 * time.Second
	holdSubreaper(t)
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		p.stop()
		if left := groupMembers(p.cmd.Process.Pid); len(left) > 0 {
			t.Errorf("%s left processes behind: %s", name, strings.Join(left, "; "))
		}
	})
	return p
}

// stop ends p's whole group and reaps every process of it: p itself, and
// its descendants, which became this process's children when p died
// (holdSubreaper). SIGTERM first, so that Xvfb removes its socket and lock
// file; SIGKILL for whatever is left once p has exited (or after 5 s),
// while p, not yet reaped, still holds the group's id.
func (p *proc) stop() {
	pgid := p.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if st, err := readStat(pgid); err != nil || st.state == "Z" {
			break
		}
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
	p.cmd.Wait()
	for {
		var ws syscall.WaitStatus
		_, err := syscall.Wait4(-pgid, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil { // ECHILD: none left
			return
		}
	}
}

// fail ends the test with what p printed.
func (p *proc) fail(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Fatalf("%s: %s\n%s output:\n%s", p.name, fmt.Sprintf(format, args...), p.name, p.output.String())
}

// The test process is the child subreaper while a WebKit runs: when
// MiniBrowser dies, its helpers become the test's children, which stop
// reaps, instead of init's zombies. It is switched off again after the
// last stop, so that no other test's orphans are kept as zombies.
var subreaper struct {
	sync.Mutex
	holders int
}

const prSetChildSubreaper = 36 // PR_SET_CHILD_SUBREAPER, linux/prctl.h

func holdSubreaper(t *testing.T) {
	t.Helper()
	setSubreaper := func(on uintptr) error {
		if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, on, 0); errno != 0 {
			return errno
		}
		return nil
	}
	subreaper.Lock()
	defer subreaper.Unlock()
	if subreaper.holders == 0 {
		if err := setSubreaper(1); err != nil {
			t.Fatalf("prctl(PR_SET_CHILD_SUBREAPER): %v", err)
		}
	}
	subreaper.holders++
	// Registered before startProc's stop, so it runs after it.
	t.Cleanup(func() {
		subreaper.Lock()
		defer subreaper.Unlock()
		if subreaper.holders--; subreaper.holders == 0 {
			setSubreaper(0)
		}
	})
}

// groupMembers lists the processes, zombies included, still in process
// group pgid.
func groupMembers(pgid int) []string {
	entries, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readStat(pid); err == nil && st.pgid == pgid {
			out = append(out, fmt.Sprintf("%d %s state %s", pid, st.comm, st.state))
		}
	}
	return out
}

// stat is what /proc/PID/stat says of a process.
type stat struct {
	comm  string // "(MiniBrowser)"
	state string // "S", "Z"…
	pgid  int
}

func readStat(pid int) (stat, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stat{}, err
	}
	// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
	end := bytes.LastIndexByte(data, ')')
	start := bytes.IndexByte(data, '(')
	f := strings.Fields(string(data[end+1:]))
	if start < 0 || end < start || len(f) < 3 {
		return stat{}, fmt.Errorf("/proc/%d/stat: %q", pid, data)
	}
	pgid, err := strconv.Atoi(f[2])
	if err != nil {
		return stat{}, fmt.Errorf("/proc/%d/stat: %q", pid, data)
	}
	return stat{comm: string(data[start : end+1]), state: f[0], pgid: pgid}, nil
}

// freePort returns a loopback TCP port that was free a moment ago, for a
// program that must be told its port.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// listeningPorts returns the loopback TCP ports pid listens on: its socket
// inodes (/proc/PID/fd) looked up in the namespace's table
// (/proc/PID/net/tcp).
func listeningPorts(pid int) ([]int, error) {
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return nil, err
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if inode, ok := strings.CutPrefix(link, "socket:["); err == nil && ok {
			inodes[strings.TrimSuffix(inode, "]")] = true
		}
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/net/tcp", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ports []int
	sc := bufio.NewScanner(f)
	sc.Scan() // the header line
	for sc.Scan() {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != "0A" || !inodes[fields[9]] { // 0A: LISTEN
			continue
		}
		_, hexPort, _ := strings.Cut(fields[1], ":")
		port, err := strconv.ParseUint(hexPort, 16, 16)
		if err != nil {
			return nil, fmt.Errorf("/proc/%d/net/tcp: %q: %v", pid, fields[1], err)
		}
		ports = append(ports, int(port))
	}
	return ports, sc.Err()
}

// startXvfb starts a virtual X server on a free display, which it picks
// and writes to the pipe -displayfd names, and returns the display (":N").
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := startProc(t, nil, []*os.File{w}, "Xvfb", "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "1280x1024x24")
	w.Close()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			p.fail(t, "-displayfd wrote %q, not a display number", s)
		}
		return ":" + strconv.Itoa(n)
	case <-time.After(20 * time.Second):
		r.Close()
		p.fail(t, "no display after 20 s")
	}
	return ""
}
