package container

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/proc"
	"github.com/ukrun/ukrun/internal/state"
	"github.com/ukrun/ukrun/internal/teardown"
)

// Kill delivers sig to a running container: SIGKILL stops the VM at once;
// any other signal goes through the monitor to the app in the guest.
// The monitor and the VMM are the container's only processes, so all
// changes only one thing: a container already stopped is not an error. A
// monitor whose VMM is gone gets SIGKILL itself.
func (r *Runtime) Kill(id string, sig unix.Signal, all bool) error {
	c, st, err := r.open(id)
	if err != nil {
		return err
	}
	defer c.Unlock()
	if !st.Monitor.Alive() || st.VMM.Pid > 0 && !st.VMM.Alive() {
		// The VMM died on its own: remove whatever its monitor did not.
		// (No VMM recorded yet: it is exec'd at start, nothing died.)
		if err := teardown.Network(st.Resources); err != nil {
			r.Log.Error("kill: network cleanup", "id", id, "error", err)
		}
	}
	// OCI: created or running (here also paused) containers take signals.
	// A created one has no app yet: any signal ends it, as with runc.
	if s := st.Derive(); s == state.Stopped {
		if all {
			return nil // containerd's kill --all after the exit
		}
		return fmt.Errorf("cannot kill container %s: %w", id, ErrNotRunning)
	}
	if sig == unix.SIGKILL {
		err = st.VMM.Signal(sig)
		if errors.Is(err, proc.ErrGone) {
			err = st.Monitor.Signal(sig)
		}
	} else {
		err = st.Monitor.Signal(sig)
	}
	if errors.Is(err, proc.ErrGone) {
		return fmt.Errorf("cannot kill container %s: %w", id, ErrNotRunning)
	}
	return err
}
