package monitor

import (
	"os"
	"strings"
	"syscall"

	"github.com/ukrun/ukrun/internal/guest/proto"
	"github.com/ukrun/ukrun/internal/proc"
)

// exitCode turns the control port's report or the VMM's fate into the
// container's exit code.
func exitCode(reported int, ok bool, vmm syscall.WaitStatus) int {
	if ok {
		return reported
	}
	if code := proc.StatusCode(vmm); code > 128 {
		return code // the VMM was killed: report the signal
	}
	return ExitNoCode
}

// consoleExit is the exit code of a guest without channels. A Linux guest's
// is what ukinit wrote on the exit disk: with none written the app's code
// is unknown, whatever the VMM says. A unikernel's is the VMM's own status
// (Solo5 tenders pass the unikernel's on). Either way a VMM that shut down
// cleanly because of a forwarded signal reports that signal, as a process
// ended by it would.
func (m *monitor) consoleExit(st syscall.WaitStatus) int {
	if m.plan.ExitFile != "" {
		if code, ok := readExitFile(m.plan.ExitFile); ok {
			return code
		}
	}
	code := proc.StatusCode(st)
	if code == 0 && m.forwarded != 0 {
		return 128 + int(m.forwarded)
	}
	if m.plan.ExitFile != "" {
		return exitCode(0, false, st)
	}
	return code
}

// readExitFile parses the exit message ukinit left on the exit disk.
func readExitFile(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	kind, arg := proto.Parse(line)
	if kind != proto.MsgExit {
		return 0, false
	}
	n, err := proto.Int(kind, arg)
	return n, err == nil
}
