package proc

import (
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestIdentity(t *testing.T) {
	self, err := Of(os.Getpid())
	if err != nil || !self.Alive() {
		t.Fatalf("Of(self) = %+v, %v", self, err)
	}
	other := self
	other.StartTime++
	if other.Alive() {
		t.Errorf("ident with another start time is alive")
	}
	if err := other.Signal(0); !errors.Is(err, ErrGone) {
		t.Errorf("signal to recycled pid: %v", err)
	}
	for _, pid := range []int{0, -1} {
		if err := (Ident{Pid: pid}).Signal(unix.SIGKILL); !errors.Is(err, ErrGone) {
			t.Errorf("Signal(pid %d) = %v, want ErrGone", pid, err)
		}
	}
}

func TestSignalWaitAndZombie(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	id, err := Of(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := id.Signal(unix.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := id.Wait(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if id.Alive() { // a zombie until reaped, and a zombie is not alive
		t.Errorf("killed process still alive")
	}
	cmd.Wait()
	if err := id.Signal(unix.SIGKILL); !errors.Is(err, ErrGone) {
		t.Errorf("signal after reap: %v", err)
	}
}

func TestChildOf(t *testing.T) {
	self, err := Of(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sleep", "5")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	got, err := ChildOf(self, cmd.Process.Pid)
	if err != nil || got.Pid != cmd.Process.Pid {
		t.Fatalf("ChildOf = %+v, %v; want pid %d", got, err, cmd.Process.Pid)
	}
	if _, err := ChildOf(self, 1<<22); !errors.Is(err, ErrGone) {
		t.Fatalf("ChildOf(no such child) = %v, want ErrGone", err)
	}
	if _, err := ChildOf(Ident{Pid: self.Pid, StartTime: self.StartTime + 1}, cmd.Process.Pid); !errors.Is(err, ErrGone) {
		t.Fatalf("ChildOf(a parent that is not ours) = %v, want ErrGone", err)
	}
}
