package monitor

import (
	"fmt"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/proc"
)

// vmmProc is the running VMM.
type vmmProc struct {
	*proc.Child                         // Pid in the monitor's PID namespace
	done        chan syscall.WaitStatus // receives once, when the VMM has exited
}

// launcher starts the VMM from the monitor's main thread, which lives as
// long as the monitor: PDEATHSIG fires when the forking thread exits, so
// the VMM dies with the monitor and never before. Main runs there (locked
// by ukrun-monitor's init) and starts a VMM itself; another goroutine asks
// the main goroutine's loop, which serves the channel.
type launcher chan func()

// onMainThread tells whether the caller runs on the process's first thread.
func onMainThread() bool { return unix.Gettid() == unix.Getpid() }

// launch starts the VMM with stdin on /dev/null and files as its fds 3 and
// up. A monitor calls it once: from a goroutine other than main's, it
// waits for the loop.
func (l launcher) launch(argv []string, files []*os.File, stdout, stderr *os.File) (*vmmProc, error) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	defer null.Close()
	fds := append([]*os.File{null, stdout, stderr}, files...)
	var child *proc.Child
	start := func() error {
		child, err = proc.Spawn(argv[0], argv, os.Environ(), fds, &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL})
		return err
	}
	if onMainThread() {
		err = start()
	} else {
		started := make(chan error, 1)
		l <- func() { started <- start() }
		err = <-started
	}
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	v := &vmmProc{Child: child, done: make(chan syscall.WaitStatus, 1)}
	go func() {
		ws, _ := v.WaitPolled()
		v.done <- ws
	}()
	return v, nil
}

// kill stops the VMM at once; the pidfd stays open, for its exit.
func (v *vmmProc) kill() { v.Signal(unix.SIGKILL) }

// hostEnds are the monitor's ends of the VMM's sockets.
type hostEnds struct {
	control, ctl, stdin, stdout, stderr net.Conn
}

// newPairs makes one socketpair per VMM channel and returns the host ends
// and the VMM's ends, in the order of the FD* constants. On error it
// closes what it made.
func newPairs() (hostEnds, []*os.File, error) {
	var h hostEnds
	hosts := []*net.Conn{&h.control, &h.ctl, &h.stdin, &h.stdout, &h.stderr}
	var vmmFiles []*os.File
	fail := func(err error) (hostEnds, []*os.File, error) {
		for _, c := range hosts {
			if *c != nil {
				(*c).Close()
			}
		}
		closeAll(vmmFiles)
		return hostEnds{}, nil, err
	}
	for i, dst := range hosts {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fail(fmt.Errorf("socketpair: %w", err))
		}
		vmmFiles = append(vmmFiles, os.NewFile(uintptr(fds[1]), fmt.Sprintf("vmm-%d", i)))
		hf := os.NewFile(uintptr(fds[0]), fmt.Sprintf("host-%d", i))
		c, err := net.FileConn(hf)
		hf.Close()
		if err != nil {
			return fail(fmt.Errorf("socket: %w", err))
		}
		*dst = c
	}
	return h, vmmFiles, nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}
