package container

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/netsetup"
)

// nsFlags maps OCI namespace types to clone flags. Mount, cgroup and time
// namespaces stay the host's: the VMM sees only its own files.
var nsFlags = map[specs.LinuxNamespaceType]uintptr{
	specs.NetworkNamespace: unix.CLONE_NEWNET,
	specs.IPCNamespace:     unix.CLONE_NEWIPC,
	specs.UTSNamespace:     unix.CLONE_NEWUTS,
	specs.PIDNamespace:     unix.CLONE_NEWPID,
}

// nsPlan says where the monitor lives.
type nsPlan struct {
	join  []specs.LinuxNamespace // joined by path before the monitor starts
	clone uintptr                // made by the kernel for the monitor
	netns string                 // the network namespace joined; "" when a new one is made
}

// planNamespaces checks the spec's namespaces and refuses what a VM
// container cannot honour: user namespaces and the host's network.
func planNamespaces(s *specs.Spec) (nsPlan, error) {
	var p nsPlan
	hasNet := false
	if s.Linux != nil {
		for _, ns := range s.Linux.Namespaces {
			if ns.Type == specs.UserNamespace {
				return p, errors.New("bundle config: user namespaces are not supported for VM containers")
			}
			flag, ok := nsFlags[ns.Type]
			switch {
			case !ok:
			case ns.Path != "":
				p.join = append(p.join, ns)
			default:
				p.clone |= flag
			}
			if ns.Type == specs.NetworkNamespace {
				hasNet = true
				p.netns = ns.Path
			}
		}
	}
	if !hasNet || (p.netns != "" && netsetup.IsHost(p.netns)) {
		return p, errors.New("bundle config: a VM container needs a network namespace of its own, not the host's (add a network namespace to linux.namespaces)")
	}
	return p, nil
}

// inNamespaces runs fn on a locked OS thread that has joined the spec's
// namespaces given by path; fn starts the monitor from it. The thread is
// never unlocked, so Go retires it afterwards. With none to join, fn runs
// here: starting a thread costs more than fn's own work in the benchmark.
func inNamespaces(p nsPlan, fn func() error) error {
	if len(p.join) == 0 {
		return fn()
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		for _, ns := range p.join {
			if err := setns(ns); err != nil {
				errc <- err
				return
			}
		}
		errc <- fn()
	}()
	return <-errc
}

func setns(ns specs.LinuxNamespace) error {
	f, err := os.Open(ns.Path)
	if err != nil {
		return fmt.Errorf("open %s namespace %s: %w", ns.Type, ns.Path, err)
	}
	defer f.Close()
	if err := unix.Setns(int(f.Fd()), int(nsFlags[ns.Type])); err != nil {
		return fmt.Errorf("join %s namespace %s: %w", ns.Type, ns.Path, err)
	}
	return nil
}
