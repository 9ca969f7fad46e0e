package container

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/ukrun/ukrun/internal/netsetup"
	"github.com/ukrun/ukrun/internal/state"
	"github.com/ukrun/ukrun/internal/teardown"
)

// GC finds the network objects ukrun made whose container is gone (no
// state, or a dead monitor), in every namespace a state under the root
// records and every named namespace, and with apply removes them. It
// returns one line per object.
func (r *Runtime) GC(apply bool) ([]string, error) {
	spaces := map[string]uint64{}
	var stale []*state.State
	ids, err := state.List(r.Root)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		c := &state.Container{ID: id, Dir: filepath.Join(r.Root, id)}
		st, err := c.Load()
		if err != nil {
			continue
		}
		for _, res := range st.Resources {
			if res.Net != nil {
				spaces[res.Net.Netns] = res.Net.NetnsIno
			}
		}
		if !r.alive(id) {
			stale = append(stale, st)
		}
	}
	named, _ := filepath.Glob("/var/run/netns/*")
	for _, p := range named {
		if ino, err := netsetup.Ino(p); err == nil {
			spaces[p] = ino
		}
	}
	var lines []string
	var errs []error
	paths := make([]string, 0, len(spaces))
	for p := range spaces {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		gs, err := netsetup.Scan(p, spaces[p], r.alive)
		if err != nil {
			errs = append(errs, fmt.Errorf("scan %s: %w", p, err))
			continue
		}
		for _, g := range gs {
			lines = append(lines, fmt.Sprintf("%s: %s", p, g.What))
		}
		if apply && len(gs) > 0 {
			if err := netsetup.Remove(p, spaces[p], gs); err != nil {
				errs = append(errs, err)
			}
		}
	}
	// A stopped container's record also names the ingress qdiscs ukrun added.
	if apply {
		for _, st := range stale {
			if err := teardown.Network(st.Resources); err != nil {
				errs = append(errs, fmt.Errorf("container %s: %w", st.ID, err))
			}
		}
	}
	return lines, errors.Join(errs...)
}
