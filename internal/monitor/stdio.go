package monitor

import (
	"fmt"
	"io"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// relayStdio connects the container's stdio (fds 0, 1, 2) to the guest's
// ports. The returned channels close when the guest's stdout and stderr
// reach end of file.
func (m *monitor) relayStdio() (stdout, stderr <-chan struct{}) {
	in, out, errf := pollable(os.Stdin, os.O_RDONLY), pollable(os.Stdout, os.O_WRONLY), pollable(os.Stderr, os.O_WRONLY)
	go func() {
		io.Copy(m.host.stdin, in)
		// End of input: the guest app reads end of file.
		if c, ok := m.host.stdin.(*net.UnixConn); ok {
			c.CloseWrite()
		}
	}()
	errDst := errf
	if m.plan.Terminal {
		errDst = out
	}
	return copyOut(out, m.host.stdout), copyOut(errDst, m.host.stderr)
}

// pollable returns a pipe or FIFO reopened through /proc as an open file
// description of its own, which the runtime's poller serves: a goroutine
// blocked in read(2) or write(2) holds its P until sysmon takes the P
// back, up to 10 ms later, and the monitor has one P. The description f
// shares with the shim stays as it is. Anything else (a file, whose
// offset a reopen would lose, a terminal, /dev/null) is f itself.
func pollable(f *os.File, mode int) *os.File {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return f
	}
	g, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", f.Fd()), mode|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return f // a FIFO without a reader: writes fail on f as well
	}
	return g
}

// copyOut copies src to dst until src ends. When dst fails (its reader is
// gone) it keeps reading, so the guest never blocks on a full port.
func copyOut(dst io.Writer, src io.Reader) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := io.Copy(dst, src); err != nil {
			io.Copy(io.Discard, src)
		}
	}()
	return done
}
