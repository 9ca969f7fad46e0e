package monitor

import (
	"io"
	"net"
	"os"
)

// relayStdio connects the container's stdio (fds 0, 1, 2) to the guest's
// ports. The returned channels close when the guest's stdout and stderr
// reach end of file.
func (m *monitor) relayStdio() (stdout, stderr <-chan struct{}) {
	go func() {
		io.Copy(m.host.stdin, os.Stdin)
		// End of input: the guest app reads end of file.
		if c, ok := m.host.stdin.(*net.UnixConn); ok {
			c.CloseWrite()
		}
	}()
	errDst := os.Stderr
	if m.plan.Terminal {
		errDst = os.Stdout
	}
	return copyOut(os.Stdout, m.host.stdout), copyOut(errDst, m.host.stderr)
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
