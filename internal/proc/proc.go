// Package proc identifies processes by pid plus start time, so that a
// recycled pid is never mistaken for the process ukrun started.
package proc

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Forwarded are the signals a runtime in the foreground (run, or runc run
// for a bundle that is not a VM) passes on to the container.
var Forwarded = []os.Signal{unix.SIGINT, unix.SIGTERM, unix.SIGHUP, unix.SIGQUIT, unix.SIGUSR1, unix.SIGUSR2}

// ErrGone means the process has exited (or its pid now names another one).
var ErrGone = errors.New("process is gone")

// Ident names one process for its whole life.
type Ident struct {
	Pid       int    `json:"pid"`
	StartTime uint64 `json:"start_time"` // clock ticks after boot, /proc/<pid>/stat field 22
}

// Of returns the identity of a live process.
func Of(pid int) (Ident, error) {
	st, state, err := stat(pid)
	if err != nil {
		return Ident{}, err
	}
	if state == 'Z' || state == 'X' {
		return Ident{}, ErrGone
	}
	return Ident{Pid: pid, StartTime: st}, nil
}

// stat reads the start time and state letter of pid.
func stat(pid int) (uint64, byte, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, 0, err
	}
	if len(f) < 20 {
		return 0, 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	st, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("parse /proc/%d/stat: %w", pid, err)
	}
	return st, f[0][0], nil
}

// statFields returns the fields of /proc/<pid>/stat after the command
// name, from the state letter (field 3) on.
func statFields(pid int) ([]string, error) {
	if pid <= 0 {
		return nil, fmt.Errorf("invalid pid %d", pid)
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, ErrGone
	}
	// The command name may hold spaces and parens: fields follow the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	return strings.Fields(s[i+1:]), nil
}

// Alive tells whether the process still runs (a zombie does not).
func (id Ident) Alive() bool {
	if id.Pid <= 0 {
		return false
	}
	st, state, err := stat(id.Pid)
	return err == nil && st == id.StartTime && state != 'Z' && state != 'X'
}

// Open returns a pidfd for the process after proving it is still the one
// named by id. The caller closes it.
func (id Ident) Open() (int, error) {
	if id.Pid <= 0 {
		return -1, ErrGone // nothing recorded: never signal pid 0 or below
	}
	fd, err := unix.PidfdOpen(id.Pid, 0)
	if err != nil {
		return -1, ErrGone
	}
	// The pidfd pins this process; check it is the one we recorded.
	if !id.Alive() {
		unix.Close(fd)
		return -1, ErrGone
	}
	return fd, nil
}

// Signal sends sig to the process if it is still the one named by id.
func (id Ident) Signal(sig unix.Signal) error {
	fd, err := id.Open()
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
		if errors.Is(err, unix.ESRCH) {
			return ErrGone
		}
		return fmt.Errorf("signal pid %d: %w", id.Pid, err)
	}
	return nil
}

// Wait waits up to timeout for the process to exit; a missing process
// counts as exited.
func (id Ident) Wait(timeout time.Duration) error {
	fd, err := id.Open()
	if err != nil {
		return nil
	}
	defer unix.Close(fd)
	return WaitFD(fd, timeout)
}

// WaitFD waits up to timeout for the process behind a pidfd to exit.
func WaitFD(fd int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left < 0 {
			return fmt.Errorf("process still running after %s", timeout)
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(left.Milliseconds())+1)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("wait for process: %w", err)
		}
		if n > 0 {
			return nil
		}
	}
}

// PidOfFD returns the pid, in this process's pid namespace, of a pidfd.
func PidOfFD(fd int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", fd))
	if err != nil {
		return 0, fmt.Errorf("read pidfd info: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Pid:"); ok {
			pid, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || pid <= 0 {
				return 0, fmt.Errorf("pidfd names no live process (%q)", strings.TrimSpace(v))
			}
			return pid, nil
		}
	}
	return 0, errors.New("pidfd info has no Pid line")
}

// ExitCode turns a finished process's status into a container exit code
// (StatusCode).
func ExitCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok {
		return StatusCode(ws)
	}
	return ps.ExitCode()
}

// StatusCode is a container exit code: the exit status, or 128+n when
// signal n ended the process.
func StatusCode(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// ChildOf returns the child of parent (which must still be the process
// parent names) whose pid in its own, innermost PID namespace is nsPid:
// how start finds a VMM its monitor launched inside the container's PID
// namespace, where the monitor sees other pids. Exactly one must match.
func ChildOf(parent Ident, nsPid int) (Ident, error) {
	if !parent.Alive() {
		return Ident{}, ErrGone
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return Ident{}, err
	}
	var found []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, err := ppidOf(pid); err == nil && ppid == parent.Pid && innermostPid(pid) == nsPid {
			found = append(found, pid)
		}
	}
	switch len(found) {
	case 0:
		return Ident{}, fmt.Errorf("process %d has no child with pid %d in its namespace: %w", parent.Pid, nsPid, ErrGone)
	case 1:
		return Of(found[0])
	}
	return Ident{}, fmt.Errorf("process %d has %d children with pid %d in their namespaces", parent.Pid, len(found), nsPid)
}

// ppidOf reads field 4 of /proc/<pid>/stat.
func ppidOf(pid int) (int, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	if len(f) < 2 {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	return strconv.Atoi(f[1])
}

// innermostPid is the last pid of the NSpid line of /proc/<pid>/status,
// or 0 when unknown.
func innermostPid(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "NSpid:"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return 0
			}
			n, _ := strconv.Atoi(f[len(f)-1])
			return n
		}
	}
	return 0
}
