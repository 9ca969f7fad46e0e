package integration

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// With process.terminal and --console-socket the app gets a terminal whose
// master arrives over the socket, as with runc.
func TestTerminal(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"tty", "out=hello", "cat", "exit=5"}, nil)
	s := readSpec(t, b)
	s.Process.Terminal = true
	writeSpec(t, b, s)

	sock := filepath.Join(t.TempDir(), "console.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	masterc := make(chan *os.File, 1)
	go func() { masterc <- recvMaster(t, l) }()

	e.must("create", "--bundle", b, "--console-socket", sock, "tty")
	master := <-masterc
	if master == nil {
		t.Fatal("no pty master received")
	}
	defer master.Close()
	pid := e.state("tty").Pid
	e.must("start", "tty")
	master.Write([]byte("typed\n\x04"))
	out := readUntil(t, master, "typed", 60*time.Second)
	if !strings.Contains(out, "tty=true") || !strings.Contains(out, "hello") {
		t.Errorf("terminal output %q", out)
	}
	if code := waitExit(t, pid, 30*time.Second); code != 5 {
		t.Errorf("exit code %d, want 5", code)
	}
	e.must("delete", "tty")
}

func recvMaster(t *testing.T, l *net.UnixListener) *os.File {
	c, err := l.AcceptUnix()
	if err != nil {
		return nil
	}
	defer c.Close()
	buf, oob := make([]byte, 256), make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
	if err != nil {
		return nil
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return nil
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return nil
	}
	return os.NewFile(uintptr(fds[0]), "pty-master")
}

// readUntil reads the terminal until want has been seen twice (echo and
// the app's copy) or the deadline passes.
func readUntil(t *testing.T, f *os.File, want string, timeout time.Duration) string {
	var out []byte
	deadline := time.Now().Add(timeout)
	buf := make([]byte, 4096)
	for time.Now().Before(deadline) && strings.Count(string(out), want) < 2 {
		fds := []unix.PollFd{{Fd: int32(f.Fd()), Events: unix.POLLIN}}
		if n, _ := unix.Poll(fds, 200); n > 0 {
			k, err := f.Read(buf)
			if err != nil {
				break
			}
			out = append(out, buf[:k]...)
		}
	}
	return string(out)
}
