// Package procgroup runs a browser (on Linux) in a process group of its own
// and ends it with every process it started, all reaped.
//
// A browser's helpers may outlive its main process (Firefox does not wait
// for its fork server, socket, RDD and utility processes), and some leave
// the group (Firefox's crash helper is started by a process that makes a
// session of its own and exits). While a group runs, this process is the
// child subreaper, so that orphans come back to it rather than to init;
// Stop reaps them: those of the group, and those that carried the group's
// mark in their environment when the leader was asked to quit.
package procgroup

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Group is a command started as the leader of a new process group.
type Group struct {
	cmd     *exec.Cmd
	mark    string        // in the environment of the leader and its descendants
	exited  chan struct{} // closed once the leader has been reaped
	waitErr error
}

var (
	subreaperMu   sync.Mutex
	subreaperRefs int // running groups; this process is a subreaper while > 0

	marks atomic.Int64 // tells groups' marks apart
)

const prSetChildSubreaper = 36 // PR_SET_CHILD_SUBREAPER, <linux/prctl.h>

func setSubreaper(delta int) error {
	subreaperMu.Lock()
	defer subreaperMu.Unlock()
	before := subreaperRefs
	subreaperRefs += delta
	if (before > 0) == (subreaperRefs > 0) {
		return nil
	}
	on := 0
	if subreaperRefs > 0 {
		on = 1
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, uintptr(on), 0); errno != 0 {
		return fmt.Errorf("procgroup: prctl(PR_SET_CHILD_SUBREAPER, %d): %w", on, errno)
	}
	return nil
}

// Start starts cmd as the leader of a new process group.
func Start(cmd *exec.Cmd) (*Group, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	if err := setSubreaper(+1); err != nil {
		return nil, err
	}
	mark := fmt.Sprintf("PROCGROUP_MARK=%d.%d", os.Getpid(), marks.Add(1))
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, mark)
	if err := cmd.Start(); err != nil {
		setSubreaper(-1)
		return nil, err
	}
	g := &Group{cmd: cmd, mark: mark, exited: make(chan struct{})}
	go func() {
		g.waitErr = cmd.Wait()
		close(g.exited)
	}()
	return g, nil
}

// Exited is closed once the leader has exited.
func (g *Group) Exited() <-chan struct{} { return g.exited }

// Err is how the leader exited, once Exited is closed.
func (g *Group) Err() error { return g.waitErr }

// Stop calls quit (which asks the leader to exit by itself), gives it
// grace, then kills the group and reaps every process that came back to
// this process: the group's and those marked before quit (a zombie's
// environment cannot be read). It fails if one is still there 10 s later.
func (g *Group) Stop(quit func(), grace time.Duration) error {
	defer setSubreaper(-1)
	pgid := g.cmd.Process.Pid
	marked := g.marked()
	quit()
	select {
	case <-g.exited:
	case <-time.After(grace):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-g.exited
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		// A group lives while one of its processes does, zombies
		// included, so its id has not been reused.
		groupGone := errors.Is(syscall.Kill(-pgid, syscall.SIGKILL), syscall.ESRCH)
		left := 0
		for pid, p := range table() {
			if p.ppid != os.Getpid() || (p.pgrp != pgid && !marked[pid]) {
				continue
			}
			// A child of this process: its id is not reused before it
			// is reaped here.
			left++
			syscall.Kill(pid, syscall.SIGKILL)
			var ws syscall.WaitStatus
			syscall.Wait4(pid, &ws, 0, nil)
		}
		if groupGone && left == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("procgroup: %s (process group %d) still has processes 10 s after it was killed", g.cmd.Path, pgid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// proc is a process's parent and process group.
type proc struct{ ppid, pgrp int }

// table reads every process's parent and group from /proc.
func table() map[int]proc {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	out := map[int]proc{}
	for _, name := range stats {
		data, err := os.ReadFile(name)
		if err != nil {
			continue // it has ended meanwhile
		}
		// "pid (comm) state ppid pgrp …": comm may hold spaces and
		// parentheses, so read after the last ')'.
		s := string(data)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 3 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(name)))
		ppid, _ := strconv.Atoi(f[1])
		pgrp, _ := strconv.Atoi(f[2])
		out[pid] = proc{ppid, pgrp}
	}
	return out
}

// marked is the set of processes with g's mark in their environment.
func (g *Group) marked() map[int]bool {
	out := map[int]bool{}
	for pid := range table() {
		env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		if err != nil {
			continue // another user's, or ended meanwhile
		}
		if slices.Contains(strings.Split(string(env), "\x00"), g.mark) {
			out[pid] = true
		}
	}
	return out
}
