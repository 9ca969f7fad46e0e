package monitor

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func TestReadExitFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		content string
		code    int
		ok      bool
	}{
		{"exit 5\n\x00\x00", 5, true},
		{"exit 0\n", 0, true},
		{"\x00\x00\x00", 0, false},
		{"exit 300\n", 0, false},
		{"error boom\n", 0, false},
	} {
		p := filepath.Join(dir, "exit.img")
		os.WriteFile(p, []byte(tc.content), 0o600)
		if code, ok := readExitFile(p); code != tc.code || ok != tc.ok {
			t.Errorf("readExitFile(%q) = %d, %v; want %d, %v", tc.content, code, ok, tc.code, tc.ok)
		}
	}
	if _, ok := readExitFile(filepath.Join(dir, "missing")); ok {
		t.Error("missing file read as an exit code")
	}
}

// exited runs a shell that exits with code and returns its status.
func exited(t *testing.T, code string) syscall.WaitStatus {
	t.Helper()
	cmd := exec.Command("sh", "-c", "exit "+code)
	cmd.Run()
	return cmd.ProcessState.Sys().(syscall.WaitStatus)
}

func TestConsoleExit(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.img")
	os.WriteFile(empty, make([]byte, 4096), 0o600)
	written := filepath.Join(dir, "written.img")
	os.WriteFile(written, []byte("exit 7\n"), 0o600)
	for _, tc := range []struct {
		name      string
		exitFile  string
		forwarded unix.Signal
		vmm       string
		want      int
	}{
		{"linux: the exit disk's code", written, 0, "0", 7},
		{"linux: nothing written, clean VMM exit", empty, 0, "0", ExitNoCode},
		{"linux: nothing written, VMM failed", empty, 0, "1", ExitNoCode},
		{"linux: nothing written, clean shutdown after TERM", empty, unix.SIGTERM, "0", 143},
		{"linux: the exit disk's code after TERM", written, unix.SIGTERM, "0", 7},
		{"unikernel: the VMM's code", "", 0, "3", 3},
		{"unikernel: clean shutdown after TERM", "", unix.SIGTERM, "0", 143},
		{"unikernel: own code after TERM", "", unix.SIGTERM, "4", 4},
	} {
		m := &monitor{plan: Plan{ExitFile: tc.exitFile}, forwarded: tc.forwarded}
		if got := m.consoleExit(exited(t, tc.vmm)); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if endsVMM(unix.SIGCONT) || endsVMM(unix.SIGWINCH) || !endsVMM(unix.SIGTERM) {
		t.Error("endsVMM: only the terminating signals VMMs handle end it")
	}
}
