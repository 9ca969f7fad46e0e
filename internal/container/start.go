package container

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/hooks"
	"github.com/ukrun/ukrun/internal/proc"
	"github.com/ukrun/ukrun/internal/state"
)

// Start lets a created container's VM run. It returns once the VMM has
// resumed the guest, or with the monitor's error.
func (r *Runtime) Start(id string) error {
	c, st, err := r.open(id)
	if err != nil {
		return err
	}
	defer c.Unlock()
	if s := st.Derive(); s != state.Created {
		return fmt.Errorf("cannot start container %s: it is %s, not created", id, s)
	}
	if st.NoProcess {
		return fmt.Errorf("cannot start container %s: its config.json has no process", id)
	}
	if st.Hooks != nil {
		// startContainer hooks cannot run inside the guest: they run here,
		// before the VM is resumed.
		if err := hooks.Run("startContainer", st.Hooks.StartContainer, ociState(st)); err != nil {
			return err
		}
	}
	// Non-blocking open: a dead monitor must not hang start.
	fifo, err := os.OpenFile(c.Path(state.StartFifo), os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("open start fifo: %w", err)
	}
	defer fifo.Close()
	answer, err := readAnswer(fifo, st, time.Duration(st.Config.BootTimeout)*time.Second)
	if err != nil {
		return fmt.Errorf("start container %s: %w", id, err)
	}
	if answer != "ok" && !strings.HasPrefix(answer, "ok ") {
		return fmt.Errorf("start container %s: %s", id, strings.TrimPrefix(answer, "error "))
	}
	launched, err := r.findLaunchedVMM(st, answer)
	if err != nil {
		return fmt.Errorf("start container %s: %w", id, err)
	}
	// With the fifo gone the container reads as running (state.Load). A
	// VMM exec'd at start is saved first; a fifo that will not go leaves
	// the state file to say it.
	st.Status = state.Running
	if launched {
		if err := c.Save(st); err != nil {
			return err
		}
	}
	if err := os.Remove(c.Path(state.StartFifo)); err != nil && !launched {
		if serr := c.Save(st); serr != nil {
			return fmt.Errorf("start container %s: %w", id, errors.Join(err, serr))
		}
	}
	if st.Hooks != nil {
		if err := hooks.Run("poststart", st.Hooks.Poststart, ociState(st)); err != nil {
			r.Log.Warn("poststart hook failed", "id", id, "error", err)
		}
	}
	return nil
}

// findLaunchedVMM records in st a VMM the monitor exec'd at start, and
// tells whether it did: the answer "ok <pid>" gives its pid in the
// container's PID namespace, and it is the monitor's child with that pid.
// One that has exited already is not an error: the container has stopped,
// and nothing is recorded to signal.
func (r *Runtime) findLaunchedVMM(st *state.State, answer string) (bool, error) {
	if st.VMM.Pid > 0 {
		if answer != "ok" {
			return false, fmt.Errorf("monitor answered %q for a VMM launched at create", answer)
		}
		return false, nil
	}
	nsPid, err := strconv.Atoi(strings.TrimPrefix(answer, "ok "))
	if err != nil || nsPid <= 0 {
		return false, fmt.Errorf("monitor answered %q, want the VMM's pid", answer)
	}
	vmm, err := proc.ChildOf(st.Monitor, nsPid)
	if errors.Is(err, proc.ErrGone) {
		r.Log.Info("start: the VMM exited at once", "id", st.ID, "error", err)
		return true, nil
	}
	st.VMM = vmm
	return true, err
}

// readAnswer reads the monitor's one-line answer from the start fifo.
func readAnswer(fifo *os.File, st *state.State, timeout time.Duration) (string, error) {
	var buf []byte
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		fds := []unix.PollFd{{Fd: int32(fifo.Fd()), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, 100); err != nil && !errors.Is(err, unix.EINTR) {
			return "", fmt.Errorf("wait for monitor: %w", err)
		}
		if fds[0].Revents&(unix.POLLIN|unix.POLLHUP) != 0 {
			chunk := make([]byte, 4096)
			n, _ := fifo.Read(chunk)
			buf = append(buf, chunk[:n]...)
			if n == 0 || strings.Contains(string(buf), "\n") {
				if len(buf) == 0 {
					return "", errors.New("monitor closed the start fifo without an answer")
				}
				return strings.TrimSpace(string(buf)), nil
			}
			continue
		}
		if !st.Monitor.Alive() {
			return "", errors.New("monitor exited before start")
		}
	}
	return "", fmt.Errorf("no answer from monitor within %s", timeout)
}

// open locks an existing VM container and loads its state.
func (r *Runtime) open(id string) (*state.Container, *state.State, error) {
	c, err := state.Open(r.Root, id)
	if err != nil {
		return nil, nil, err
	}
	st, err := c.Load()
	if err != nil {
		c.Unlock()
		return nil, nil, err
	}
	return c, st, nil
}
