// Package teardown undoes a container's resource record: in reverse, each
// object that is already gone counting as done, going on after an error
// and reporting all of them.
package teardown

import (
	"errors"

	"github.com/ukrun/ukrun/internal/netsetup"
	"github.com/ukrun/ukrun/internal/state"
)

// All undoes every recorded resource.
func All(rs []state.Resource) error { return run(rs, func(state.Resource) bool { return true }) }

// Network undoes only the network objects: what the monitor does the
// moment its VMM dies.
func Network(rs []state.Resource) error { return run(rs, state.Resource.IsNet) }

func run(rs []state.Resource, want func(state.Resource) bool) error {
	var errs []error
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		if !want(r) {
			continue
		}
		var err error
		if r.IsNet() {
			err = netsetup.Undo(r)
		} else {
			err = state.RemovePath(r)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
