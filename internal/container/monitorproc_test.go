package container

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func forkForTest(t *testing.T, argv ...string) *monitorProc {
	t.Helper()
	files := []*os.File{os.Stdin, os.Stdout, os.Stderr}
	m, err := forkMonitor(argv[0], argv, nil, files, &syscall.SysProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	if m.pid <= 0 || m.pidfd < 0 {
		t.Fatalf("forkMonitor gave pid %d, pidfd %d", m.pid, m.pidfd)
	}
	return m
}

// reaped tells whether pid is gone, not even a zombie.
func reaped(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return os.IsNotExist(err)
}

func TestMonitorProcStopKillsAndReaps(t *testing.T) {
	m := forkForTest(t, "/bin/sleep", "30")
	pid := m.pid
	m.stop()
	if m.pidfd != -1 {
		t.Errorf("pidfd %d left open", m.pidfd)
	}
	if !reaped(pid) {
		t.Errorf("pid %d not reaped", pid)
	}
}

func TestMonitorProcStopWithinWaitsForExit(t *testing.T) {
	m := forkForTest(t, "/bin/true")
	pid := m.pid
	t0 := time.Now()
	m.stopWithin(10 * time.Second)
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("stopWithin took %s for a process that exits at once", d)
	}
	if !reaped(pid) {
		t.Errorf("pid %d not reaped", pid)
	}
}

func TestMonitorProcStopWithinKillsAfterTimeout(t *testing.T) {
	m := forkForTest(t, "/bin/sleep", "30")
	pid := m.pid
	m.stopWithin(50 * time.Millisecond)
	if !reaped(pid) {
		t.Errorf("pid %d not reaped", pid)
	}
}

func TestForkMonitorMissingBinary(t *testing.T) {
	files := []*os.File{os.Stdin, os.Stdout, os.Stderr}
	if _, err := forkMonitor("/nonexistent/ukrun-monitor", []string{"x"}, nil, files, &syscall.SysProcAttr{}); err == nil {
		t.Fatal("forkMonitor of a missing binary succeeded")
	}
}
