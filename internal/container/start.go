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
// resumed the guest, or with the monitor's error. It reads the head of the
// state (state.LoadHead); the rest before the VM is touched when hooks
// need it or a VMM is exec'd at start, else only to record a fifo that
// will not go.
func (r *Runtime) Start(id string) error {
	c, err := state.Open(r.Root, id)
	if err != nil {
		return err
	}
	defer c.Unlock()
	h, err := c.LoadHead()
	if err != nil {
		return err
	}
	var st *state.State
	load := func() error {
		if st != nil {
			return nil
		}
		s, err := c.Load()
		st = s
		return err
	}
	if h.Hooks != nil || h.VMM.Pid == 0 {
		if err := load(); err != nil {
			return err
		}
	}
	if s := h.Derive(); s != state.Created {
		return fmt.Errorf("cannot start container %s: it is %s, not created", id, s)
	}
	if h.NoProcess {
		return fmt.Errorf("cannot start container %s: its config.json has no process", id)
	}
	if h.Hooks != nil {
		// startContainer hooks cannot run inside the guest: they run here,
		// before the VM is resumed.
		if err := hooks.Run("startContainer", h.Hooks.StartContainer, ociState(st)); err != nil {
			return err
		}
	}
	// Non-blocking open: a dead monitor must not hang start.
	fifo, err := os.OpenFile(c.Path(state.StartFifo), os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("open start fifo: %w", err)
	}
	defer fifo.Close()
	answer, err := readAnswer(fifo, h.Monitor, time.Duration(h.Config.BootTimeout)*time.Second)
	if err != nil {
		return fmt.Errorf("start container %s: %w", id, err)
	}
	if answer != "ok" && !strings.HasPrefix(answer, "ok ") {
		return fmt.Errorf("start container %s: %s", id, strings.TrimPrefix(answer, "error "))
	}
	vmm, launched, err := r.findLaunchedVMM(h, answer)
	if err != nil {
		return fmt.Errorf("start container %s: %w", id, err)
	}
	// With the fifo gone the container reads as running (state.Load). A
	// VMM exec'd at start is saved first; a fifo that will not go leaves
	// the state file to say it.
	if launched {
		st.VMM, st.Status = vmm, state.Running
		if err := c.Save(st); err != nil {
			return err
		}
	}
	if err := os.Remove(c.Path(state.StartFifo)); err != nil && !launched {
		if lerr := load(); lerr != nil {
			return fmt.Errorf("start container %s: %w", id, errors.Join(err, lerr))
		}
		st.Status = state.Running
		if serr := c.Save(st); serr != nil {
			return fmt.Errorf("start container %s: %w", id, errors.Join(err, serr))
		}
	}
	if h.Hooks != nil {
		st.Status = state.Running
		if err := hooks.Run("poststart", h.Hooks.Poststart, ociState(st)); err != nil {
			r.Log.Warn("poststart hook failed", "id", id, "error", err)
		}
	}
	return nil
}

// findLaunchedVMM returns a VMM the monitor exec'd at start, and whether
// it did: the answer "ok <pid>" gives its pid in the container's PID
// namespace, and it is the monitor's child with that pid. One that has
// exited already is not an error: the container has stopped, and nothing
// is returned to signal.
func (r *Runtime) findLaunchedVMM(h *state.Head, answer string) (proc.Ident, bool, error) {
	if h.VMM.Pid > 0 {
		if answer != "ok" {
			return proc.Ident{}, false, fmt.Errorf("monitor answered %q for a VMM launched at create", answer)
		}
		return proc.Ident{}, false, nil
	}
	nsPid, err := strconv.Atoi(strings.TrimPrefix(answer, "ok "))
	if err != nil || nsPid <= 0 {
		return proc.Ident{}, false, fmt.Errorf("monitor answered %q, want the VMM's pid", answer)
	}
	vmm, err := proc.ChildOf(h.Monitor, nsPid)
	if errors.Is(err, proc.ErrGone) {
		r.Log.Info("start: the VMM exited at once", "id", h.ID, "error", err)
		return proc.Ident{}, true, nil
	}
	return vmm, true, err
}

// readAnswer reads the monitor's one-line answer from the start fifo.
func readAnswer(fifo *os.File, monitor proc.Ident, timeout time.Duration) (string, error) {
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
		if !monitor.Alive() {
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
