// Package teardown undoes a container's resource record: in reverse, each
// object that is already gone counting as done, going on after an error
// and reporting all of them.
package teardown

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/ukrun/ukrun/internal/netsetup"
	"github.com/ukrun/ukrun/internal/record"
)

// All undoes every recorded resource.
func All(rs []record.Resource) error { return run(rs, func(record.Resource) bool { return true }) }

// Network undoes only the network objects: what the monitor does the
// moment its VMM dies.
func Network(rs []record.Resource) error { return run(rs, record.Resource.IsNet) }

func run(rs []record.Resource, want func(record.Resource) bool) error {
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
			err = removePath(r)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// removePath undoes a file, directory or cgroup; already gone is done. A
// cgroup stays busy until its last task is reaped (a killed monitor is a
// zombie until its parent, the shim, waits for it), so that is retried
// for a while.
func removePath(r record.Resource) error {
	err := os.Remove(r.Path)
	if r.Kind == record.KindCgroup && errors.Is(err, syscall.EBUSY) && hasSubdirs(r.Path) {
		return nil // a parent ukrun made that other cgroups now live in
	}
	for wait := 10 * time.Millisecond; r.Kind == record.KindCgroup && errors.Is(err, syscall.EBUSY) && wait < 3*time.Second; wait *= 2 {
		time.Sleep(wait)
		err = os.Remove(r.Path)
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove %s %s: %w", r.Kind, r.Path, err)
	}
	return nil
}

func hasSubdirs(dir string) bool {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.IsDir() {
			return true
		}
	}
	return false
}
