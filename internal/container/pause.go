package container

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/proc"
	"github.com/ukrun/ukrun/internal/state"
)

// Pause stops the VM: every VMM thread stops, so the guest does not run
// until Resume.
func (r *Runtime) Pause(id string) error {
	return r.setPaused(id, true)
}

// Resume lets a paused VM run again.
func (r *Runtime) Resume(id string) error {
	return r.setPaused(id, false)
}

func (r *Runtime) setPaused(id string, pause bool) error {
	c, st, err := r.open(id)
	if err != nil {
		return err
	}
	defer c.Unlock()
	from, to, sig := state.Running, state.Paused, unix.SIGSTOP
	if !pause {
		from, to, sig = state.Paused, state.Running, unix.SIGCONT
	}
	if s := st.Derive(); s != from {
		return fmt.Errorf("container %s is %s, not %s", id, s, from)
	}
	if err := st.VMM.Signal(sig); err != nil {
		if errors.Is(err, proc.ErrGone) {
			return fmt.Errorf("container %s: %w", id, ErrNotRunning)
		}
		return err
	}
	st.Status = to
	return c.Save(st)
}
