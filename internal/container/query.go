package container

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ukrun/ukrun/internal/state"
)

// OCIState returns the OCI state of a VM container. The pid is the
// monitor's while it runs, 0 once stopped.
func (r *Runtime) OCIState(id string) (*specs.State, *state.State, error) {
	c, st, err := r.open(id)
	if err != nil {
		return nil, nil, err
	}
	defer c.Unlock()
	return ociState(st), st, nil
}

func ociState(st *state.State) *specs.State {
	s := &specs.State{
		Version:     specs.Version,
		ID:          st.ID,
		Status:      specs.ContainerState(st.Derive()),
		Bundle:      st.Bundle,
		Annotations: st.Annotations,
	}
	if s.Status != specs.StateStopped {
		s.Pid = st.Monitor.Pid
	}
	return s
}

// Pids returns the container's live processes: the monitor and the VMM.
func (r *Runtime) Pids(id string) ([]int, error) {
	c, st, err := r.open(id)
	if err != nil {
		return nil, err
	}
	defer c.Unlock()
	pids := []int{}
	for _, p := range []struct {
		alive bool
		pid   int
	}{{st.Monitor.Alive(), st.Monitor.Pid}, {st.VMM.Alive(), st.VMM.Pid}} {
		if p.alive {
			pids = append(pids, p.pid)
		}
	}
	return pids, nil
}
