package monitor

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// vmmProc is the running VMM.
type vmmProc struct {
	pidfd int
	pid   int                   // in the monitor's PID namespace
	done  chan *os.ProcessState // receives once, when the VMM has exited
}

// launcher starts the VMM from a goroutine that keeps its OS thread locked
// for the VMM's whole life: PDEATHSIG fires when the forking thread exits,
// so the VMM dies with the monitor and never before. It is made while the
// monitor waits for its plan, so that the thread and os/exec's one-time
// pidfd probe (a throwaway child) are ready when the plan comes. It
// launches one VMM.
type launcher chan launchReq

type launchReq struct {
	cmd     *exec.Cmd
	v       *vmmProc
	started chan error
}

func newLauncher() launcher {
	l := make(launcher)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			p.Release() // the probe ran: no first-use cost at launch
		}
		r := <-l
		if err := r.cmd.Start(); err != nil {
			r.started <- fmt.Errorf("start %s: %w", r.cmd.Path, err)
			return
		}
		r.v.pid = r.cmd.Process.Pid
		r.started <- nil
		r.cmd.Wait()
		r.v.done <- r.cmd.ProcessState
	}()
	return l
}

// launch starts the VMM with files as its fds 3 and up. A second call
// blocks for good: a monitor launches one VMM.
func (l launcher) launch(argv []string, files []*os.File, stdout, stderr *os.File) (*vmmProc, error) {
	v := &vmmProc{pidfd: -1, done: make(chan *os.ProcessState, 1)}
	cmd := &exec.Cmd{
		Path:       argv[0],
		Args:       argv,
		ExtraFiles: files,
		Stdout:     stdout,
		Stderr:     stderr,
		SysProcAttr: &syscall.SysProcAttr{
			Pdeathsig: syscall.SIGKILL,
			PidFD:     &v.pidfd,
		},
	}
	started := make(chan error, 1)
	l <- launchReq{cmd: cmd, v: v, started: started}
	if err := <-started; err != nil {
		return nil, err
	}
	return v, nil
}

// kill stops the VMM at once.
func (v *vmmProc) kill() { v.signal(unix.SIGKILL) }

// signal sends sig to the VMM through its pidfd.
func (v *vmmProc) signal(sig unix.Signal) error {
	if v.pidfd < 0 {
		return nil
	}
	return unix.PidfdSendSignal(v.pidfd, sig, nil, 0)
}

// hostEnds are the monitor's ends of the VMM's sockets.
type hostEnds struct {
	control, ctl, stdin, stdout, stderr net.Conn
}

// newPairs makes one socketpair per VMM channel and returns the host ends
// and the VMM's ends, in the order of the FD* constants.
func newPairs() (hostEnds, []*os.File, error) {
	var h hostEnds
	hosts := []*net.Conn{&h.control, &h.ctl, &h.stdin, &h.stdout, &h.stderr}
	var vmmFiles []*os.File
	for i, dst := range hosts {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return h, nil, fmt.Errorf("socketpair: %w", err)
		}
		hf := os.NewFile(uintptr(fds[0]), fmt.Sprintf("host-%d", i))
		c, err := net.FileConn(hf)
		hf.Close()
		if err != nil {
			return h, nil, fmt.Errorf("socket: %w", err)
		}
		*dst = c
		vmmFiles = append(vmmFiles, os.NewFile(uintptr(fds[1]), fmt.Sprintf("vmm-%d", i)))
	}
	return h, vmmFiles, nil
}
