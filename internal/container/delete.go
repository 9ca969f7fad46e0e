package container

import (
	"errors"
	"fmt"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/hooks"
	"github.com/ukrun/ukrun/internal/proc"
	"github.com/ukrun/ukrun/internal/state"
	"github.com/ukrun/ukrun/internal/teardown"
)

// Delete removes a container and everything ukrun made for it. As OCI says
// (runc differs), only a stopped one without force; containerd kills a
// created task before deleting it. With force, an unknown id or an
// unreadable state is not an error.
func (r *Runtime) Delete(c *state.Container, force bool) error {
	st, err := c.Load()
	if err != nil {
		if !force {
			c.Unlock()
			return fmt.Errorf("%w (delete --force removes it)", err)
		}
		r.Log.Warn("delete: state unreadable, removing the directory", "id", c.ID, "error", err)
		return c.Remove()
	}
	status := st.Derive()
	if status != state.Stopped && !force {
		c.Unlock()
		return fmt.Errorf("cannot delete container %s: it is %s, not stopped (kill it first or use --force)", c.ID, status)
	}
	var errs []error
	if err := stop(st); err != nil {
		errs = append(errs, err)
	}
	if err := teardown.All(st.Resources); err != nil {
		errs = append(errs, err)
	}
	if err := c.Remove(); err != nil {
		errs = append(errs, err)
	}
	if st.Hooks != nil {
		s := ociState(st)
		s.Status, s.Pid = specs.StateStopped, 0
		if err := hooks.Run("poststop", st.Hooks.Poststop, s); err != nil {
			r.Log.Warn("poststop hook failed", "id", c.ID, "error", err)
		}
	}
	return errors.Join(errs...)
}

// stop ends the VMM and the monitor if they still run and waits for both.
func stop(st *state.State) error {
	var errs []error
	for _, p := range []proc.Ident{st.VMM, st.Monitor} {
		if err := p.Signal(unix.SIGKILL); err != nil && !errors.Is(err, proc.ErrGone) {
			errs = append(errs, err)
		}
	}
	for _, p := range []proc.Ident{st.VMM, st.Monitor} {
		if err := p.Wait(10 * time.Second); err != nil {
			errs = append(errs, fmt.Errorf("pid %d: %w", p.Pid, err))
		}
	}
	return errors.Join(errs...)
}
