package netsetup

import (
	"errors"
	"fmt"
	"os"

	"github.com/vishvananda/netlink"

	"github.com/ukrun/ukrun/internal/record"
)

// Recorder saves a resource in the container's record before it is made.
type Recorder func(record.Resource) error

// Liveness tells whether container id still exists and its monitor runs.
type Liveness func(id string) bool

// Result is a container's network, ready for the VMM.
type Result struct {
	Tap     *os.File // the TAP's queue, nil for a persistent TAP; the TAP dies when the last copy closes
	TapName string
	Pod     *PodIf
}

// Setup makes the TAP and both redirects for container id. It must run on
// a locked thread inside the namespace at nsPath (inode ino). It returns
// nil when the namespace has no pod interface. A persistent TAP (for a
// VMM that opens it by name) has no open queue and stays until removed.
func Setup(id, nsPath string, ino uint64, persistent bool, live Liveness, rec Recorder) (*Result, error) {
	pod, err := FindPodInterface()
	if err != nil || pod == nil {
		return nil, err
	}
	if err := reclaim(id, pod.Link, live); err != nil {
		return nil, err
	}
	obj := func(link string) *record.NetObject {
		return &record.NetObject{Netns: nsPath, NetnsIno: ino, Link: link}
	}
	res := &Result{TapName: TapName(id), Pod: pod}

	tapObj := obj(res.TapName)
	tapObj.Alias = Alias(id)
	if err := rec(record.Resource{Kind: record.KindTap, Net: tapObj}); err != nil {
		return nil, err
	}
	tap, err := createTap(res.TapName, tapObj.Alias, pod.MTU, persistent)
	if err != nil {
		return nil, err
	}
	if persistent {
		for _, f := range tap.Fds {
			f.Close()
		}
	} else {
		res.Tap = tap.Fds[0]
	}
	if err := redirect(obj, rec, tap, pod.Link); err != nil {
		res.Tap.Close()
		return nil, err
	}
	if err := redirect(obj, rec, pod.Link, tap); err != nil {
		res.Tap.Close()
		return nil, err
	}
	return res, nil
}

// createTap makes a TAP. A non-persistent one dies with its last open
// queue; a persistent one is left without open queues.
func createTap(name, alias string, mtu int, persistent bool) (*netlink.Tuntap, error) {
	tap := &netlink.Tuntap{
		LinkAttrs:  netlink.LinkAttrs{Name: name},
		Mode:       netlink.TUNTAP_MODE_TAP,
		Flags:      netlink.TUNTAP_NO_PI | netlink.TUNTAP_VNET_HDR,
		NonPersist: !persistent,
		Queues:     1,
	}
	if err := netlink.LinkAdd(tap); err != nil {
		return nil, fmt.Errorf("create tap %s: %w", name, err)
	}
	err := netlink.LinkSetAlias(tap, alias)
	if err == nil && mtu > 0 {
		err = netlink.LinkSetMTU(tap, mtu)
	}
	if err == nil {
		err = netlink.LinkSetUp(tap)
	}
	if err != nil {
		for _, f := range tap.Fds {
			f.Close()
		}
		if persistent {
			// Without its alias teardown would not know it as ukrun's.
			netlink.LinkDel(tap)
		}
		return nil, fmt.Errorf("configure tap %s: %w", name, err)
	}
	return tap, nil
}

// redirect sends everything arriving on from out of to: an ingress qdisc
// on from (recorded only if ukrun adds it) and a match-all u32 filter
// with a mirred egress redirect.
func redirect(obj func(string) *record.NetObject, rec Recorder, from, to netlink.Link) error {
	name := from.Attrs().Name
	has, err := hasIngress(from)
	if err != nil {
		return err
	}
	if !has {
		if err := rec(record.Resource{Kind: record.KindQdisc, Net: obj(name)}); err != nil {
			return err
		}
		if err := netlink.QdiscAdd(ingress(from)); err != nil {
			return fmt.Errorf("add ingress qdisc on %s: %w", name, err)
		}
	}
	f := obj(name)
	f.Prio, f.Redirect, f.RedirIdx = Prio, to.Attrs().Name, to.Attrs().Index
	if err := rec(record.Resource{Kind: record.KindFilter, Net: f}); err != nil {
		return err
	}
	filter := &netlink.U32{
		FilterAttrs: netlink.FilterAttrs{
			LinkIndex: from.Attrs().Index,
			Parent:    netlink.HANDLE_MIN_INGRESS,
			Priority:  Prio,
			Protocol:  0x0003, // ETH_P_ALL
		},
		RedirIndex: to.Attrs().Index, // nil Sel: match all
	}
	if err := netlink.FilterAdd(filter); err != nil {
		return fmt.Errorf("add redirect %s -> %s: %w", name, to.Attrs().Name, err)
	}
	return nil
}

func ingress(l netlink.Link) *netlink.Ingress {
	return &netlink.Ingress{QdiscAttrs: netlink.QdiscAttrs{
		LinkIndex: l.Attrs().Index,
		Handle:    netlink.MakeHandle(0xffff, 0),
		Parent:    netlink.HANDLE_INGRESS,
	}}
}

func hasIngress(l netlink.Link) (bool, error) {
	qs, err := netlink.QdiscList(l)
	if err != nil {
		return false, fmt.Errorf("list qdiscs of %s: %w", l.Attrs().Name, err)
	}
	for _, q := range qs {
		if _, ok := q.(*netlink.Ingress); ok {
			return true, nil
		}
	}
	return false, nil
}

// target returns the ifindex a filter's mirred action redirects to.
func target(f *netlink.U32) int {
	if f.RedirIndex != 0 {
		return f.RedirIndex
	}
	for _, a := range f.Actions {
		if m, ok := a.(*netlink.MirredAction); ok {
			return m.Ifindex
		}
	}
	return 0
}

// delFilter removes a whole u32 filter at ukrun's priority, hash table
// included, by deleting its priority on l's ingress.
func delFilter(f *netlink.U32) error {
	return netlink.FilterDel(&netlink.U32{FilterAttrs: netlink.FilterAttrs{
		LinkIndex: f.LinkIndex, Parent: netlink.HANDLE_MIN_INGRESS, Priority: f.Priority, Protocol: f.Protocol,
	}})
}

// ourFilters returns the filters at ukrun's priority on l's ingress.
func ourFilters(l netlink.Link) ([]*netlink.U32, error) {
	fs, err := netlink.FilterList(l, netlink.HANDLE_MIN_INGRESS)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("list filters of %s: %w", l.Attrs().Name, err)
	}
	var out []*netlink.U32
	for _, f := range fs {
		if u, ok := f.(*netlink.U32); ok && u.Priority == Prio {
			out = append(out, u)
		}
	}
	return out, nil
}
