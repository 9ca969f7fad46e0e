package netsetup

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/vishvananda/netlink"

	"github.com/ukrun/ukrun/internal/record"
)

// Undo removes one recorded network object. A namespace, link or object
// that is gone counts as done; an object that is not ukrun's is left.
func Undo(r record.Resource) error {
	if r.Net == nil {
		return fmt.Errorf("resource %s is not a network object", r.Kind)
	}
	err := Do(r.Net.Netns, r.Net.NetnsIno, func() error { return undoHere(r.Kind, r.Net) })
	if errors.Is(err, ErrNetnsGone) {
		return nil
	}
	return err
}

func undoHere(kind string, o *record.NetObject) error {
	link, err := netlink.LinkByName(o.Link)
	if err != nil {
		if isGone(err) {
			return nil
		}
		return fmt.Errorf("find link %s: %w", o.Link, err)
	}
	switch kind {
	case record.KindTap:
		if link.Attrs().Alias != o.Alias {
			return nil // the name is someone else's now
		}
		return ignoreGone(netlink.LinkDel(link), "remove tap "+o.Link)
	case record.KindFilter:
		fs, err := ourFilters(link)
		if err != nil {
			return err
		}
		for _, f := range fs {
			// A redirect to a deleted device shows target 0: stale, ours.
			if t := target(f); t == o.RedirIdx || t == 0 {
				if err := ignoreGone(delFilter(f), "remove redirect on "+o.Link); err != nil {
					return err
				}
			}
		}
		return nil
	case record.KindQdisc:
		// Someone may have hung filters on the qdisc ukrun added: then it stays.
		fs, err := netlink.FilterList(link, netlink.HANDLE_MIN_INGRESS)
		if err != nil && !isGone(err) {
			return fmt.Errorf("list filters of %s: %w", o.Link, err)
		}
		if len(fs) > 0 {
			return nil
		}
		return ignoreGone(netlink.QdiscDel(ingress(link)), "remove ingress qdisc of "+o.Link)
	}
	return fmt.Errorf("unknown network resource kind %q", kind)
}

func isGone(err error) bool {
	var lnf netlink.LinkNotFoundError
	return errors.As(err, &lnf) || errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ENODEV) ||
		errors.Is(err, syscall.ESRCH) || errors.Is(err, syscall.EINVAL)
}

func ignoreGone(err error, what string) error {
	if err == nil || isGone(err) {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
