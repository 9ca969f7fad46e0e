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

	"github.com/ukrun/ukrun/internal/record"
)

// Plan is what create hands the monitor over the sync socket.
type Plan struct {
	ID          string   `json:"id"`
	VMM         []string `json:"vmm"`          // VMM argv, binary first
	VMMLog      string   `json:"vmm_log"`      // where the VMM's own messages go (Channels)
	StartFifo   string   `json:"start_fifo"`   // opened by start: see awaitStart
	Terminal    bool     `json:"terminal"`     // stdio is a pty: relay stdin and stdout only
	Tap         bool     `json:"tap"`          // the TAP queue travels with the plan, first
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
	// Network is the container's recorded network objects: the monitor
	// removes them the moment its VMM is gone.
	Network []record.Resource `json:"network,omitempty"`
	// Namespaces are the container's ("net", "ipc", "uts"), made by
	// create or given by path, whose fds follow the TAP's: the monitor's
	// main thread joins them before it forks the VMM.
	Namespaces []string `json:"namespaces,omitempty"`
}

// files is how many fds travel with the plan.
func (p Plan) files() int {
	n := len(p.Namespaces)
	if p.Tap {
		n++
	}
	return n
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

// SendPlan sends p to the monitor as one message, with its files
// attached: the TAP queue when p.Tap, then p.Namespaces.
func SendPlan(sock *os.File, p Plan, files []*os.File) error {
	if len(files) != p.files() {
		return fmt.Errorf("send plan to monitor: %d files for a plan that takes %d", len(files), p.files())
	}
	b, err := json.Marshal(p)
	if err == nil {
		fds := make([]int, len(files))
		for i, f := range files {
			fds[i] = int(f.Fd())
		}
		err = sendMsg(sock, b, fds)
	}
	if err != nil {
		return fmt.Errorf("send plan to monitor: %w", err)
	}
	return nil
}

// maxPlanFiles bounds the fds a plan carries: a TAP and three namespaces.
const maxPlanFiles = 4

// readPlan reads the plan create sent and its files; io.EOF when create
// gave up first.
func readPlan(sock *os.File) (Plan, []*os.File, error) {
	buf := make([]byte, maxMessage)
	n, fds, flags, err := recvMsg(sock, buf, maxPlanFiles)
	if err != nil {
		return Plan{}, nil, fmt.Errorf("read plan: %w", err)
	}
	files := make([]*os.File, len(fds))
	for i, fd := range fds {
		files[i] = os.NewFile(uintptr(fd), "plan-file")
	}
	var p Plan
	switch {
	case flags&(unix.MSG_CTRUNC|unix.MSG_TRUNC) != 0:
		err = fmt.Errorf("plan cut short (flags %#x): over %d bytes or %d files", flags, maxMessage, maxPlanFiles)
	case n == 0:
		err = io.EOF
	default:
		if err = json.Unmarshal(buf[:n], &p); err != nil {
			err = fmt.Errorf("parse plan: %w", err)
		} else if len(files) != p.files() {
			err = fmt.Errorf("%d files came with a plan that takes %d", len(files), p.files())
		}
	}
	if err != nil {
		closeAll(files)
		return Plan{}, nil, err
	}
	return p, files, nil
}

// sendMsg sends b on sock as one message, with fds attached (SCM_RIGHTS).
func sendMsg(sock *os.File, b []byte, fds []int) error {
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	rc, err := sock.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Write(func(fd uintptr) bool {
		serr = unix.Sendmsg(int(fd), b, oob, nil, 0)
		return serr != unix.EAGAIN
	}); err != nil {
		return err
	}
	return serr
}

// recvMsg reads one message from sock into buf, with the fds attached to
// it (room for maxFDs) and the receive flags. On a non-blocking sock (both
// ends are, in create and in the monitor) it waits in the runtime's poller,
// not in a blocking recvmsg: sysmon, which takes back the P of a thread
// blocked in a syscall, then wakes every 0.1 ms for the next 5 ms, taking
// turns with the booting VMM.
func recvMsg(sock *os.File, buf []byte, maxFDs int) (int, []int, int, error) {
	oob := make([]byte, unix.CmsgSpace(4*maxFDs))
	rc, err := sock.SyscallConn()
	if err != nil {
		return 0, nil, 0, err
	}
	var n, oobn, flags int
	var rerr error
	if err := rc.Read(func(fd uintptr) bool {
		n, oobn, flags, _, rerr = unix.Recvmsg(int(fd), buf, oob, unix.MSG_CMSG_CLOEXEC)
		return rerr != unix.EAGAIN
	}); err != nil {
		return 0, nil, 0, err
	}
	if rerr != nil {
		return 0, nil, 0, rerr
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil {
		return 0, nil, 0, err
	}
	var fds []int
	for _, m := range msgs {
		if got, err := unix.ParseUnixRights(&m); err == nil {
			fds = append(fds, got...)
		}
	}
	return n, fds, flags, nil
}

// oneFD returns the one fd of fds, or -1. More than one is an error, and
// all are closed.
func oneFD(fds []int) (int, error) {
	if len(fds) == 1 {
		return fds[0], nil
	}
	for _, fd := range fds {
		unix.Close(fd)
	}
	if len(fds) == 0 {
		return -1, nil
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
	var fds []int
	if fd >= 0 {
		fds = []int{fd}
	}
	if err := sendMsg(sock, append(b, '\n'), fds); err != nil {
		return fmt.Errorf("send ready: %w", err)
	}
	return nil
}

// RecvReady reads the monitor's answer and the VMM pidfd, if any; an
// answer with Error is returned as that error.
func RecvReady(sock *os.File) (Ready, int, error) {
	buf := make([]byte, 64<<10)
	n, fds, _, err := recvMsg(sock, buf, 1)
	if err != nil {
		return Ready{}, -1, fmt.Errorf("read monitor answer: %w", err)
	}
	if n == 0 {
		return Ready{}, -1, fmt.Errorf("monitor exited before the VMM was ready")
	}
	fd, err := oneFD(fds)
	if err != nil {
		return Ready{}, -1, fmt.Errorf("read monitor answer: %w", err)
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
