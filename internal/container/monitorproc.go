package container

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/proc"
)

// monitorProc is the monitor create forked: a child of this process, held
// by the pidfd its clone made. os/exec would first fork a throwaway child
// to probe pidfd support, 0.15 ms of every create.
type monitorProc struct {
	pid   int
	pidfd int
}

// forkMonitor starts path with files as its fds 0, 1, 2, 3...
func forkMonitor(path string, argv, env []string, files []*os.File, sys *syscall.SysProcAttr) (*monitorProc, error) {
	fds := make([]uintptr, len(files))
	for i, f := range files {
		fds[i] = f.Fd()
	}
	m := &monitorProc{pidfd: -1}
	sys.PidFD = &m.pidfd
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{Env: env, Files: fds, Sys: sys})
	runtime.KeepAlive(files)
	if err != nil {
		return nil, err
	}
	m.pid = pid
	if m.pidfd < 0 {
		// A kernel older than CLONE_PIDFD (5.2), which ignores the flag,
		// has no pidfd_open either (5.3). The monitor is our unreaped
		// child, so its pid is still its own.
		syscall.Kill(pid, syscall.SIGKILL)
		var ws syscall.WaitStatus
		syscall.Wait4(pid, &ws, 0, nil)
		return nil, fmt.Errorf("monitor %d: the kernel gave no pidfd (CLONE_PIDFD needs Linux 5.2)", pid)
	}
	return m, nil
}

// stop kills the monitor and reaps it.
func (m *monitorProc) stop() {
	unix.PidfdSendSignal(m.pidfd, unix.SIGKILL, nil, 0)
	m.reap()
}

// stopWithin waits up to timeout for the monitor to exit, then stops it.
func (m *monitorProc) stopWithin(timeout time.Duration) {
	if proc.WaitFD(m.pidfd, timeout) != nil {
		unix.PidfdSendSignal(m.pidfd, unix.SIGKILL, nil, 0)
	}
	m.reap()
}

// reap waits for the monitor's exit and releases its pid and pidfd. A
// kernel without waitid(P_PIDFD) (before 5.4) is waited on by pid: an
// unreaped child keeps it.
func (m *monitorProc) reap() {
	for {
		err := unix.Waitid(unix.P_PIDFD, m.pidfd, nil, unix.WEXITED, nil)
		if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
			var ws unix.WaitStatus
			_, err = unix.Wait4(m.pid, &ws, 0, nil)
		}
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	m.close()
}

func (m *monitorProc) close() {
	if m.pidfd >= 0 {
		unix.Close(m.pidfd)
		m.pidfd = -1
	}
}
