package netsetup

import (
	"fmt"

	"github.com/vishvananda/netlink"
)

// reclaim removes what dead containers (and an earlier life of id) left in
// this namespace: their TAPs and the redirects on the pod interface. A live
// sibling's objects are never touched; a pod interface already redirected
// to a live sibling is an error.
func reclaim(id string, pod netlink.Link, live Liveness) error {
	links, err := netlink.LinkList()
	if err != nil {
		return fmt.Errorf("list links: %w", err)
	}
	liveTaps := map[int]string{}
	for _, l := range links {
		owner, ours := OwnerOf(l.Attrs().Alias)
		switch {
		case !ours:
			if l.Attrs().Name == TapName(id) {
				return fmt.Errorf("link %s exists and is not ukrun's: cannot create the TAP of %s", l.Attrs().Name, id)
			}
		case owner != id && live(owner):
			liveTaps[l.Attrs().Index] = owner
		default:
			if err := netlink.LinkDel(l); err != nil && !isGone(err) {
				return fmt.Errorf("remove stale tap %s of %s: %w", l.Attrs().Name, owner, err)
			}
		}
	}
	filters, err := ourFilters(pod)
	if err != nil {
		return err
	}
	for _, f := range filters {
		if owner, ok := liveTaps[target(f)]; ok {
			return fmt.Errorf("pod interface %s already carries the network of live container %s", pod.Attrs().Name, owner)
		}
		if err := delFilter(f); err != nil && !isGone(err) {
			return fmt.Errorf("remove stale redirect on %s: %w", pod.Attrs().Name, err)
		}
	}
	return nil
}
