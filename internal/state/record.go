package state

import (
	"errors"
	"fmt"
	"os"
)

// Resource is one thing ukrun created for a container, recorded before it
// is created so that teardown can undo it from disk alone.
type Resource struct {
	Kind string `json:"kind"` // KindFile, KindDir or KindCgroup
	Path string `json:"path"`
}

// Kinds of recorded resources.
const (
	KindFile   = "file"
	KindDir    = "dir"
	KindCgroup = "cgroup" // a cgroup directory ukrun made
)

// Record appends r to the state and saves it, before r is made.
func (c *Container) Record(s *State, r Resource) error {
	s.Resources = append(s.Resources, r)
	return c.Save(s)
}

// Teardown undoes the record in reverse. What is already gone counts as
// done; it keeps going after an error and returns all of them.
func Teardown(rs []Resource) error {
	var errs []error
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		var err error
		switch r.Kind {
		case KindFile, KindDir, KindCgroup:
			err = os.Remove(r.Path)
		default:
			err = fmt.Errorf("unknown resource kind %q", r.Kind)
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s %s: %w", r.Kind, r.Path, err))
		}
	}
	return errors.Join(errs...)
}
