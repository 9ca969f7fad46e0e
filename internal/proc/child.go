package proc

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Child is a process this one forked, held by the pidfd its clone made.
// os/exec would first fork a throwaway child to probe pidfd support: 0.15
// ms on the path to every VMM.
type Child struct {
	Pid   int
	PidFD int
}

// Spawn forks and execs path with files as its fds 0, 1, 2, 3... sys may
// set anything but PidFD.
func Spawn(path string, argv, env []string, files []*os.File, sys *syscall.SysProcAttr) (*Child, error) {
	fds := make([]uintptr, len(files))
	for i, f := range files {
		fds[i] = f.Fd()
	}
	c := &Child{PidFD: -1}
	sys.PidFD = &c.PidFD
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{Env: env, Files: fds, Sys: sys})
	runtime.KeepAlive(files)
	if err != nil {
		return nil, err
	}
	c.Pid = pid
	if c.PidFD < 0 {
		// A kernel older than CLONE_PIDFD (5.2), which ignores the flag,
		// has no pidfd_open either (5.3). The child is unreaped, so its pid
		// is still its own.
		syscall.Kill(pid, syscall.SIGKILL)
		c.Wait()
		return nil, fmt.Errorf("pid %d: the kernel gave no pidfd (CLONE_PIDFD needs Linux 5.2)", pid)
	}
	return c, nil
}

// Signal sends sig through the pidfd: never to a recycled pid.
func (c *Child) Signal(sig unix.Signal) error {
	if c.PidFD < 0 {
		return ErrGone
	}
	return unix.PidfdSendSignal(c.PidFD, sig, nil, 0)
}

// Wait reaps the child. Waiting by pid is safe: an unreaped child keeps
// it, and only this process reaps its children. The pidfd stays open (a
// signal through it now fails with ESRCH) until Release.
func (c *Child) Wait() (syscall.WaitStatus, error) {
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(c.Pid, &ws, 0, nil)
		if !errors.Is(err, syscall.EINTR) {
			return ws, err
		}
	}
}

// WaitPolled reaps the child as Wait does, having waited for its exit on
// the pidfd through the runtime's poller. A goroutine blocked in wait4
// holds its P until sysmon takes the P back, up to 10 ms later: in a
// process with one P, as the monitor is, every other goroutine waits that
// long.
func (c *Child) WaitPolled() (syscall.WaitStatus, error) {
	fd, err := unix.FcntlInt(uintptr(c.PidFD), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("pid %d: dup pidfd: %w", c.Pid, err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return 0, fmt.Errorf("pid %d: pidfd: %w", c.Pid, err)
	}
	f := os.NewFile(uintptr(fd), "pidfd") // non-blocking: the poller's
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var ws syscall.WaitStatus
	var werr error
	// Readable once the child has exited; wait4 does not block then.
	if err := rc.Read(func(uintptr) bool {
		var pid int
		pid, werr = syscall.Wait4(c.Pid, &ws, syscall.WNOHANG, nil)
		return pid == c.Pid || (werr != nil && !errors.Is(werr, syscall.EINTR))
	}); err != nil {
		return 0, err
	}
	return ws, werr
}

// Stop kills the child, reaps it and releases its pidfd.
func (c *Child) Stop() {
	c.Signal(unix.SIGKILL)
	c.Wait()
	c.Release()
}

// StopWithin waits up to timeout for the child to exit, then stops it.
func (c *Child) StopWithin(timeout time.Duration) {
	if WaitFD(c.PidFD, timeout) != nil {
		c.Signal(unix.SIGKILL)
	}
	c.Wait()
	c.Release()
}

// Release closes the pidfd: of a reaped child, or of one left to run and
// to be reaped by whoever inherits it.
func (c *Child) Release() {
	if c.PidFD >= 0 {
		unix.Close(c.PidFD)
		c.PidFD = -1
	}
}
