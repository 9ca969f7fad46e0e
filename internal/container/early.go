package container

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/proc"
	"github.com/ukrun/ukrun/internal/state"
)

// EarlyMonitor is a monitor forked before the bundle is read, on the guess
// that the container is a VM in a PID namespace of its own (what
// containerd and Kubernetes ask unless told otherwise): the monitor's
// runtime starts, about 2 ms, while the spec is read and checked. A create
// that finds otherwise stops it and forks one that fits. It is forked from
// a thread in this process's namespaces; the plan hands its main thread
// the container's network, IPC and UTS namespaces, as it does any
// monitor's.
type EarlyMonitor struct {
	done chan struct{} // closed once the fork is done or given up
	mon  *proc.Child
	sync *os.File
}

// ForkEarlyMonitor forks the monitor of container id on a thread of its
// own and returns at once. None is forked when a console socket is given
// (the monitor's stdio is a pty made from the spec) or when the id is in
// use (create fails on it).
func (r *Runtime) ForkEarlyMonitor(id, consoleSocket string) *EarlyMonitor {
	if consoleSocket != "" {
		return nil
	}
	e := &EarlyMonitor{done: make(chan struct{})}
	go func() {
		defer close(e.done)
		if state.Free(r.Root, id) != nil {
			return
		}
		bin, err := r.monitorBinary()
		if err != nil {
			return // validate reports it
		}
		mon, sync, err := r.spawnMonitor(id, bin, unix.CLONE_NEWPID, "")
		if err == nil {
			e.mon, e.sync = mon, sync
		}
	}()
	return e
}

// take waits for the fork and hands over its monitor, if any.
func (e *EarlyMonitor) take() (*proc.Child, *os.File) {
	if e == nil {
		return nil, nil
	}
	<-e.done
	mon, sync := e.mon, e.sync
	e.mon, e.sync = nil, nil
	return mon, sync
}

// Discard stops a monitor that was not taken and reaps it.
func (e *EarlyMonitor) Discard() {
	if mon, sync := e.take(); mon != nil {
		sync.Close()
		mon.Stop()
	}
}

// monitorFor returns the container's monitor and its sync socket: the
// early one when it fits the request, else one forked now from the calling
// thread, inside the namespaces the spec names by path.
func (r *Runtime) monitorFor(req *vmRequest) (*proc.Child, *os.File, error) {
	if req.ns.clone == unix.CLONE_NEWPID {
		if mon, sync := req.opts.Early.take(); mon != nil {
			return mon, sync, nil
		}
	}
	req.opts.Early.Discard()
	return r.spawnMonitor(req.opts.ID, req.monitor, req.ns.clone, req.opts.ConsoleSocket)
}
