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

// launch starts the VMM from a goroutine that keeps its OS thread locked for
// the VMM's whole life: PDEATHSIG fires when the forking thread exits, so
// the VMM dies with the monitor and never before.
func launch(argv []string, files []*os.File, stdout, stderr *os.File) (*vmmProc, error) {
	v := &vmmProc{pidfd: -1, done: make(chan *os.ProcessState, 1)}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
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
		if err := cmd.Start(); err != nil {
			started <- fmt.Errorf("start %s: %w", argv[0], err)
			return
		}
		v.pid = cmd.Process.Pid
		started <- nil
		cmd.Wait()
		v.done <- cmd.ProcessState
	}()
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
