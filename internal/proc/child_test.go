package proc

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ukrun/ukrun/internal/testutil"
)

func spawnForTest(t *testing.T, argv ...string) *Child {
	t.Helper()
	files := []*os.File{os.Stdin, os.Stdout, os.Stderr}
	c, err := Spawn(argv[0], argv, nil, files, &syscall.SysProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Pid <= 0 || c.PidFD < 0 {
		t.Fatalf("Spawn gave pid %d, pidfd %d", c.Pid, c.PidFD)
	}
	return c
}

// reaped tells whether pid is gone, not even a zombie.
func reaped(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return os.IsNotExist(err)
}

func TestChildStopKillsAndReaps(t *testing.T) {
	c := spawnForTest(t, "/bin/sleep", "30")
	c.Stop()
	if c.PidFD != -1 {
		t.Errorf("pidfd %d left open", c.PidFD)
	}
	if !reaped(c.Pid) {
		t.Errorf("pid %d not reaped", c.Pid)
	}
}

func TestChildStopWithinWaitsForExit(t *testing.T) {
	c := spawnForTest(t, "/bin/true")
	t0 := time.Now()
	c.StopWithin(10 * time.Second)
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("StopWithin took %s for a process that exits at once", d)
	}
	if !reaped(c.Pid) {
		t.Errorf("pid %d not reaped", c.Pid)
	}
}

func TestChildStopWithinKillsAfterTimeout(t *testing.T) {
	c := spawnForTest(t, "/bin/sleep", "30")
	c.StopWithin(50 * time.Millisecond)
	if !reaped(c.Pid) {
		t.Errorf("pid %d not reaped", c.Pid)
	}
}

func TestChildWaitGivesStatusAndSignalAfterFails(t *testing.T) {
	c := spawnForTest(t, "/bin/sh", "-c", "exit 3")
	defer c.Release()
	ws, err := c.Wait()
	if err != nil || ws.ExitStatus() != 3 {
		t.Fatalf("Wait = %v, %v; want exit status 3", ws, err)
	}
	if err := c.Signal(syscall.SIGKILL); err == nil {
		t.Error("a signal to a reaped child succeeded")
	}
	k := spawnForTest(t, "/bin/sleep", "30")
	defer k.Release()
	k.Signal(syscall.SIGTERM)
	if ws, _ := k.Wait(); StatusCode(ws) != 128+int(syscall.SIGTERM) {
		t.Errorf("StatusCode of a TERMed child = %d, want 143", StatusCode(ws))
	}
}

func TestSpawnMissingBinary(t *testing.T) {
	files := []*os.File{os.Stdin, os.Stdout, os.Stderr}
	if _, err := Spawn("/nonexistent/ukrun-monitor", []string{"x"}, nil, files, &syscall.SysProcAttr{}); err == nil {
		t.Fatal("Spawn of a missing binary succeeded")
	}
}

// WaitPolled waits for the exit in the runtime's poller ("IO wait"), not
// in a syscall that holds the goroutine's P, and gives the status.
func TestChildWaitPolled(t *testing.T) {
	c := spawnForTest(t, "/bin/sleep", "30")
	defer c.Release()
	var ws syscall.WaitStatus
	done := make(chan error, 1)
	go func() {
		var err error
		ws, err = c.WaitPolled()
		done <- err
	}()
	if !testutil.ParkedInPoller("WaitPolled") {
		t.Error("WaitPolled is not parked in the poller")
	}
	c.Signal(syscall.SIGTERM)
	if err := <-done; err != nil || StatusCode(ws) != 128+int(syscall.SIGTERM) {
		t.Errorf("WaitPolled = %v (code %d), %v; want 143", ws, StatusCode(ws), err)
	}
	if !reaped(c.Pid) {
		t.Errorf("pid %d not reaped", c.Pid)
	}
}
