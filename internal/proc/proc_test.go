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
