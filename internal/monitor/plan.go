// Package monitor is the long-lived process of a VM container: the pid in
// --pid-file. It launches the VMM paused, waits for start, relays the app's
// stdio and signals, and exits with the app's exit code.
package monitor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// Plan is what create hands the monitor over the sync socket.
type Plan struct {
	ID          string   `json:"id"`
	Dir         string   `json:"dir"`          // the container's state dir
	VMM         []string `json:"vmm"`          // VMM argv, binary first
	Terminal    bool     `json:"terminal"`     // stdio is a pty: relay stdin and stdout only
	Tap         bool     `json:"tap"`          // the TAP queue travels with the plan
	BootTimeout int      `json:"boot_timeout"` // seconds for the VMM to come up
	// Paused: the VMM starts at create with vCPUs stopped and start resumes
	// it over QMP; else the VMM is exec'd at start.
	Paused bool `json:"paused"`
	// Running: a VMM launched at create runs from the start (ukrun run);
	// start has nothing to resume.
	Running bool `json:"running,omitempty"`
	// Preconfig: the VMM is launched before create has written its boot
	// files, and creates the machine once create sends FilesReady.
	Preconfig bool `json:"preconfig,omitempty"`
	// Channels: the guest runs ukinit, with stdio and control ports; else
	// the VMM's stdout and stderr are the container's and its exit code is
	// the container's.
	Channels bool `json:"channels"`
	// ExitFile holds a Linux guest's exit message when it has no channels.
	ExitFile string `json:"exit_file,omitempty"`
}

// Fixed fds in the VMM process: its control socket, then the ports.
const (
	FDControl = 3
	FDCtl     = 4
	FDStdin   = 5
	FDStdout  = 6
	FDStderr  = 7
	FDTap     = 8
)

// FDSync is the monitor's own inherited fd after stdio: the sync socket
// with create.
const FDSync = 3

// maxMessage bounds a message on the sync socket (SOCK_SEQPACKET: one read
// is one message, cut at the buffer's size), which the socket's default
// send buffer (wmem_default, 208 KiB) bounds already.
const maxMessage = 256 << 10

// SendPlan sends p to the monitor as one message, with the TAP queue
// attached when p.Tap.
func SendPlan(sock *os.File, p Plan, tap *os.File) error {
	if p.Tap != (tap != nil) {
		return fmt.Errorf("send plan to monitor: plan.Tap is %v with a TAP of %v", p.Tap, tap)
	}
	b, err := json.Marshal(p)
	if err == nil {
		var oob []byte
		if tap != nil {
			oob = unix.UnixRights(int(tap.Fd()))
		}
		err = unix.Sendmsg(int(sock.Fd()), b, oob, nil, 0)
	}
	if err != nil {
		return fmt.Errorf("send plan to monitor: %w", err)
	}
	return nil
}

// readPlan reads the plan create sent and its TAP; io.EOF when create gave
// up first.
func readPlan(sock *os.File) (Plan, *os.File, error) {
	buf := make([]byte, maxMessage)
	oob := make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return Plan{}, nil, fmt.Errorf("read plan: %w", err)
	}
	if n == 0 {
		return Plan{}, nil, io.EOF
	}
	tap, err := oneFile(oob[:oobn], "tap")
	if err != nil {
		return Plan{}, nil, err
	}
	var p Plan
	if err = json.Unmarshal(buf[:n], &p); err != nil {
		err = fmt.Errorf("parse plan: %w", err)
	} else if p.Tap != (tap != nil) {
		err = fmt.Errorf("plan.Tap is %v, and a TAP came: %v", p.Tap, tap != nil)
	}
	if err != nil {
		if tap != nil {
			tap.Close()
		}
		return Plan{}, nil, err
	}
	return p, tap, nil
}

// oneFile returns the fd an SCM_RIGHTS message carries, if any, as a file.
func oneFile(oob []byte, name string) (*os.File, error) {
	fd, err := oneFD(oob)
	if fd < 0 {
		return nil, err
	}
	return os.NewFile(uintptr(fd), name), nil
}

// oneFD returns the one fd an SCM_RIGHTS message carries, or -1. More
// than one is an error, and all are closed.
func oneFD(oob []byte) (int, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return -1, err
	}
	var fds []int
	for _, m := range msgs {
		if got, err := unix.ParseUnixRights(&m); err == nil {
			fds = append(fds, got...)
		}
	}
	switch len(fds) {
	case 0:
		return -1, nil
	case 1:
		return fds[0], nil
	}
	for _, fd := range fds {
		unix.Close(fd)
	}
	return -1, fmt.Errorf("%d fds came, want one", len(fds))
}

// filesReady is create's message that the VMM's boot files are complete.
const filesReady = "files ready"

// SendFilesReady tells a monitor whose plan has Preconfig to go on.
func SendFilesReady(sock *os.File) error {
	if _, err := sock.WriteString(filesReady); err != nil {
		return fmt.Errorf("tell monitor the boot files are written: %w", err)
	}
	return nil
}

// errCreateGaveUp: create failed writing the boot files, and says why.
var errCreateGaveUp = errors.New("create gave up before the boot files were written")

// awaitFilesReady waits for create's FilesReady message.
func awaitFilesReady(sock *os.File) error {
	buf := make([]byte, len(filesReady)+1)
	n, err := sock.Read(buf)
	switch {
	case errors.Is(err, io.EOF):
		return errCreateGaveUp
	case err != nil:
		return fmt.Errorf("wait for the boot files: %w", err)
	case string(buf[:n]) != filesReady:
		return fmt.Errorf("create sent %q, want %q", buf[:n], filesReady)
	}
	return nil
}

// Ready is the monitor's answer to create: empty Error means the VMM runs
// paused, and its pidfd travels with the message. With Preconfig, an
// answer with Launched comes first: the VMM is exec'd and waits for its
// boot files.
type Ready struct {
	Error    string `json:"error,omitempty"`
	Launched bool   `json:"launched,omitempty"`
}

// SendReady writes r on the sync socket, with fd attached when fd >= 0.
func SendReady(sock *os.File, r Ready, fd int) error {
	b, _ := json.Marshal(r)
	var oob []byte
	if fd >= 0 {
		oob = unix.UnixRights(fd)
	}
	if err := unix.Sendmsg(int(sock.Fd()), append(b, '\n'), oob, nil, 0); err != nil {
		return fmt.Errorf("send ready: %w", err)
	}
	return nil
}

// RecvReady reads the monitor's answer and the VMM pidfd, if any; an
// answer with Error is returned as that error.
func RecvReady(sock *os.File) (Ready, int, error) {
	buf := make([]byte, 64<<10)
	oob := make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return Ready{}, -1, fmt.Errorf("read monitor answer: %w", err)
	}
	if n == 0 {
		return Ready{}, -1, fmt.Errorf("monitor exited before the VMM was ready")
	}
	fd, _ := oneFD(oob[:oobn])
	var r Ready
	if err := json.Unmarshal(buf[:n], &r); err != nil {
		return Ready{}, fd, fmt.Errorf("parse monitor answer: %w", err)
	}
	if r.Error != "" {
		return r, fd, errors.New(r.Error)
	}
	return r, fd, nil
}
