package container

import (
	"os"
	"path/filepath"

	"github.com/ukrun/ukrun/internal/guest/proto"
	"github.com/ukrun/ukrun/internal/netsetup"
	"github.com/ukrun/ukrun/internal/record"
	"github.com/ukrun/ukrun/internal/state"
)

// setupNetwork gives the container a TAP bridged to the pod interface of
// the namespace it joined. A new namespace, or one without a pod
// interface, gives a guest without a NIC.
func (r *Runtime) setupNetwork(c *state.Container, st *state.State, req *vmRequest) (*netsetup.Result, error) {
	if req.ns.netns == "" {
		return nil, nil
	}
	ino, err := netsetup.Ino(req.ns.netns)
	if err != nil {
		return nil, err
	}
	rec := func(res record.Resource) error { return c.Record(st, res) }
	nic, err := netsetup.Setup(req.opts.ID, req.ns.netns, ino, !req.backend.Caps().TapFD, r.alive, rec)
	if err != nil {
		return nil, err
	}
	if nic == nil {
		r.Log.Info("no pod interface (no IPv4 default route) in the network namespace: the guest has no NIC",
			"id", req.opts.ID, "netns", req.ns.netns)
	}
	return nic, nil
}

// alive tells whether container id under this root still exists with a
// live monitor. A container being created counts as alive.
func (r *Runtime) alive(id string) bool {
	if _, err := os.Stat(filepath.Join(r.Root, id)); err != nil {
		return false
	}
	c := &state.Container{ID: id, Dir: filepath.Join(r.Root, id)}
	st, err := c.Load()
	if err != nil || st.Status == state.Creating {
		return c.Busy() // being created, unless its create died
	}
	return st.Monitor.Alive()
}

// guestNet is the addressing ukinit gives the guest's NIC.
func guestNet(nic *netsetup.Result) *proto.Net {
	if nic == nil {
		return nil
	}
	p := nic.Pod
	return &proto.Net{MAC: p.MAC.String(), IP: p.IP.String(), Prefix: p.Prefix, Gateway: p.Gateway.String(), MTU: p.MTU}
}
