package container

import (
	"fmt"
	"io"
	"net"
	"os"
	"syscall"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// stdio gives the monitor the container's stdio: this process's fds 0-2,
// or the slave of a new pty whose master goes to --console-socket, which
// becomes the monitor's controlling terminal (sys). The returned closer
// releases this process's copies.
func (r *Runtime) stdio(sys *syscall.SysProcAttr, consoleSocket string) ([]*os.File, io.Closer, error) {
	if consoleSocket == "" {
		return []*os.File{os.Stdin, os.Stdout, os.Stderr}, io.NopCloser(nil), nil
	}
	master, slave, err := pty.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("open pty: %w", err)
	}
	defer master.Close()
	// The guest's own pty does the line discipline; this one passes bytes.
	if err := makeRaw(slave); err != nil {
		slave.Close()
		return nil, nil, err
	}
	if err := sendMaster(consoleSocket, master, slave.Name()); err != nil {
		slave.Close()
		return nil, nil, err
	}
	sys.Setctty = true
	sys.Ctty = 0
	return []*os.File{slave, slave, slave}, slave, nil
}

func makeRaw(f *os.File) error {
	t, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		return fmt.Errorf("get pty mode: %w", err)
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	if err := unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, t); err != nil {
		return fmt.Errorf("set pty raw: %w", err)
	}
	return nil
}

// sendMaster passes the pty master over the console socket, named by its
// path as runc does.
func sendMaster(socket string, master *os.File, name string) error {
	conn, err := net.Dial("unix", socket)
	if err != nil {
		return fmt.Errorf("connect console socket %s: %w", socket, err)
	}
	defer conn.Close()
	uc, ok := conn.(*net.UnixConn)
	if !ok {
		return fmt.Errorf("console socket %s is not a unix socket", socket)
	}
	_, _, err = uc.WriteMsgUnix([]byte(name), unix.UnixRights(int(master.Fd())), nil)
	if err != nil {
		return fmt.Errorf("send pty to console socket: %w", err)
	}
	return nil
}
