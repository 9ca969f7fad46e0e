package netsetup

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
)

// Garbage is an object ukrun made whose container no longer lives.
type Garbage struct {
	Netns string
	Kind  string // "tap" or "filter"
	Link  string // the tap, or the link the filter hangs on
	What  string // for people
	link  netlink.Link
	flt   *netlink.U32
}

// Scan lists, in the namespace at path, the TAPs of containers that are
// not alive and the redirects at ukrun's priority that lead to a deleted
// device or to such a TAP.
func Scan(path string, ino uint64, live Liveness) ([]Garbage, error) {
	var out []Garbage
	err := Do(path, ino, func() error {
		links, err := netlink.LinkList()
		if err != nil {
			return fmt.Errorf("list links: %w", err)
		}
		dead := map[int]bool{}
		for _, l := range links {
			if owner, ours := OwnerOf(l.Attrs().Alias); ours && !live(owner) {
				dead[l.Attrs().Index] = true
				out = append(out, Garbage{Netns: path, Kind: "tap", Link: l.Attrs().Name, link: l,
					What: fmt.Sprintf("tap %s of container %s", l.Attrs().Name, owner)})
			}
		}
		for _, l := range links {
			fs, err := ourFilters(l)
			if err != nil {
				return err
			}
			for _, f := range fs {
				if t := target(f); t == 0 || dead[t] {
					out = append(out, Garbage{Netns: path, Kind: "filter", Link: l.Attrs().Name, flt: f,
						What: fmt.Sprintf("redirect on %s (pref %d) to a gone container's device", l.Attrs().Name, Prio)})
				}
			}
		}
		return nil
	})
	if errors.Is(err, ErrNetnsGone) {
		return nil, nil
	}
	return out, err
}

// Remove deletes garbage found by Scan in the namespace at path.
func Remove(path string, ino uint64, gs []Garbage) error {
	return Do(path, ino, func() error {
		var errs []error
		for _, g := range gs {
			var err error
			if g.flt != nil {
				err = ignoreGone(delFilter(g.flt), "remove "+g.What)
			} else {
				err = ignoreGone(netlink.LinkDel(g.link), "remove "+g.What)
			}
			if err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	})
}
