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
	Tap         bool     `json:"tap"`          // the TAP queue arrives on FDTapIn
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

// The monitor's own inherited fds: the sync socket with create, then the
// TAP queue when the VM has a NIC.
const (
	FDSync  = 3
	FDTapIn = 4
)

// maxMessage bounds a message on the sync socket (SOCK_SEQPACKET: one read
// is one message, cut at the buffer's size), which the socket's default
// send buffer (wmem_default, 208 KiB) bounds already.
const maxMessage = 256 << 10

// SendPlan sends p to the monitor as one message.
func SendPlan(sock *os.File, p Plan) error {
	b, err := json.Marshal(p)
	if err == nil {
		_, err = sock.Write(b)
	}
	if err != nil {
		return fmt.Errorf("send plan to monitor: %w", err)
	}
	return nil
}

// readPlan reads the plan create sent; io.EOF when create gave up first.
func readPlan(sock *os.File) (Plan, error) {
	buf := make([]byte, maxMessage)
	n, err := sock.Read(buf)
	if err != nil {
		return Plan{}, err
	}
	var p Plan
	if err := json.Unmarshal(buf[:n], &p); err != nil {
		return Plan{}, fmt.Errorf("parse plan: %w", err)
	}
	return p, nil
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
	fd := -1
	if msgs, err := unix.ParseSocketControlMessage(oob[:oobn]); err == nil && len(msgs) == 1 {
		if fds, err := unix.ParseUnixRights(&msgs[0]); err == nil && len(fds) == 1 {
			fd = fds[0]
		}
	}
	var r Ready
	if err := json.Unmarshal(buf[:n], &r); err != nil {
		return Ready{}, fd, fmt.Errorf("parse monitor answer: %w", err)
	}
	if r.Error != "" {
		return r, fd, errors.New(r.Error)
	}
	return r, fd, nil
}
