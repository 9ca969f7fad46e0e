package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// assertNothingLeft fails the test if any process, state dir or mount of
// this test's runtime root remains.
func (e *env) assertNothingLeft() {
	e.t.Helper()
	// Processes: monitors carry --root <root>; VMMs carry the state dir in
	// their argv. Give exiting ones a moment.
	var left []string
	for i := 0; i < 50; i++ {
		left = processesMentioning(e.root)
		if len(left) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(left) > 0 {
		e.t.Errorf("processes left: %v", left)
	}
	ents, _ := os.ReadDir(e.root)
	for _, d := range ents {
		e.t.Errorf("state dir left: %s", filepath.Join(e.root, d.Name()))
	}
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mounts), e.root) {
		e.t.Errorf("mounts left under %s", e.root)
	}
	if e.t.Failed() {
		e.forceClean(ents)
	}
}

// forceClean removes what a failed test left, so later tests start clean.
func (e *env) forceClean(ents []os.DirEntry) {
	for _, d := range ents {
		ukrunCmd(e.root, "delete", "--force", d.Name()).Run()
	}
	for _, p := range processesMentioning(e.root) {
		pid, _ := strconv.Atoi(strings.SplitN(p, ":", 2)[0])
		if pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// processesMentioning lists live (non-zombie) processes whose argv
// contains s, reaping our own zombie children on the way.
func processesMentioning(s string) []string {
	reapZombies()
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !strings.Contains(string(cmd), s) {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join(d, "stat"))
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 && len(stat) > i+2 && stat[i+2] == 'Z' {
			continue
		}
		out = append(out, filepath.Base(d)+": "+strings.ReplaceAll(string(cmd), "\x00", " "))
	}
	return out
}
