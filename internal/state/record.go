package state

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Resource is one thing ukrun created for a container, recorded before it
// is created so that teardown can undo it from disk alone.
type Resource struct {
	Kind string     `json:"kind"`
	Path string     `json:"path,omitempty"` // files, dirs, cgroups
	Net  *NetObject `json:"net,omitempty"`  // taps, qdiscs, filters
}

// NetObject names a kernel network object inside a network namespace.
type NetObject struct {
	Netns    string `json:"netns"`              // path of the namespace
	NetnsIno uint64 `json:"netns_ino"`          // its inode: a new netns at the same path is another one
	Link     string `json:"link"`               // the link the object is (tap) or hangs on
	Alias    string `json:"alias,omitempty"`    // tap: the alias that proves it is ours
	Prio     uint16 `json:"prio,omitempty"`     // filter priority
	Redirect string `json:"redirect,omitempty"` // filter: the link it redirects to
	RedirIdx int    `json:"redirect_index,omitempty"`
}

// Kinds of recorded resources.
const (
	KindFile   = "file"
	KindDir    = "dir"
	KindCgroup = "cgroup" // a cgroup directory ukrun made
	KindTap    = "tap"    // a TAP device
	KindQdisc  = "qdisc"  // an ingress qdisc ukrun added
	KindFilter = "filter" // a tc filter on an ingress qdisc
)

// IsNet tells whether r is a network object.
func (r Resource) IsNet() bool { return r.Net != nil }

// Record appends rs to the state and saves it, before they are made.
func (c *Container) Record(s *State, rs ...Resource) error {
	s.Resources = append(s.Resources, rs...)
	return c.Save(s)
}

// RemovePath undoes a file, directory or cgroup; already gone is done. A
// cgroup stays busy until its last task is reaped (a killed monitor is a
// zombie until its parent, the shim, waits for it), so that is retried
// for a while.
func RemovePath(r Resource) error {
	err := os.Remove(r.Path)
	if r.Kind == KindCgroup && errors.Is(err, syscall.EBUSY) && hasSubdirs(r.Path) {
		return nil // a parent ukrun made that other cgroups now live in
	}
	for wait := 10 * time.Millisecond; r.Kind == KindCgroup && errors.Is(err, syscall.EBUSY) && wait < 3*time.Second; wait *= 2 {
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
