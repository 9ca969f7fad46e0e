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

// nsFlags maps OCI namespace types to their clone, unshare and setns
// flags. Mount, cgroup and time namespaces stay the host's: the VMM sees
// only its own files.
var nsFlags = map[specs.LinuxNamespaceType]uintptr{
	specs.NetworkNamespace: unix.CLONE_NEWNET,
	specs.IPCNamespace:     unix.CLONE_NEWIPC,
	specs.UTSNamespace:     unix.CLONE_NEWUTS,
	specs.PIDNamespace:     unix.CLONE_NEWPID,
}

// nsNames are the names of namespaces under /proc/<pid>/ns.
var nsNames = map[specs.LinuxNamespaceType]string{
	specs.NetworkNamespace: "net",
	specs.IPCNamespace:     "ipc",
	specs.UTSNamespace:     "uts",
}

// nsPlan says where the monitor and the VMM live.
type nsPlan struct {
	// join: given by path, joined by the thread that makes the network and
	// forks a monitor that was not forked early.
	join []specs.LinuxNamespace
	// clone: made by the kernel for the monitor, which is pid 1 of a new
	// PID namespace.
	clone uintptr
	// make: made by create while the monitor starts (a network namespace
	// takes 0.5 ms or more). These and the network, IPC and UTS ones of
	// join are joined by the monitor's main thread, which forks the VMM;
	// its other threads stay where the monitor was forked.
	make  []specs.LinuxNamespaceType
	netns string // the network namespace joined; "" when a new one is made
}

// planNamespaces checks the spec's namespaces and refuses what a VM
// container cannot honour: user namespaces and the host's network.
func planNamespaces(s *specs.Spec) (nsPlan, error) {
	var p nsPlan
	hasNet := false
	seen := map[specs.LinuxNamespaceType]bool{}
	if s.Linux != nil {
		for _, ns := range s.Linux.Namespaces {
			if ns.Type == specs.UserNamespace {
				return p, errors.New("bundle config: user namespaces are not supported for VM containers")
			}
			if seen[ns.Type] {
				return p, fmt.Errorf("bundle config: the %s namespace is listed twice", ns.Type)
			}
			seen[ns.Type] = true
			flag, ok := nsFlags[ns.Type]
			switch {
			case !ok:
			case ns.Path != "":
				p.join = append(p.join, ns)
			case ns.Type == specs.PIDNamespace:
				p.clone |= flag
			default:
				p.make = append(p.make, ns.Type)
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

// vmmNamespaces returns the network, IPC and UTS namespaces the monitor's
// main thread joins before it forks the VMM, as files with their
// /proc/<pid>/ns names: the new ones, made on a thread of their own, then
// the ones given by path.
func vmmNamespaces(p nsPlan) ([]*os.File, []string, error) {
	files, names, err := makeNamespaces(p.make)
	if err != nil {
		return nil, nil, err
	}
	for _, ns := range p.join {
		name, ok := nsNames[ns.Type]
		if !ok {
			continue // the PID namespace: the monitor was forked in it
		}
		f, err := os.Open(ns.Path)
		if err != nil {
			closeFiles(files)
			return nil, nil, fmt.Errorf("open %s namespace %s: %w", ns.Type, ns.Path, err)
		}
		files, names = append(files, f), append(names, name)
	}
	return files, names, nil
}

// makeNamespaces makes new namespaces of the given types on a thread of
// their own and returns them as files with their /proc/<pid>/ns names.
func makeNamespaces(types []specs.LinuxNamespaceType) ([]*os.File, []string, error) {
	if len(types) == 0 {
		return nil, nil, nil
	}
	var files []*os.File
	var names []string
	err := onOwnThread(func() error {
		var flags uintptr
		for _, t := range types {
			flags |= nsFlags[t]
		}
		if err := unix.Unshare(int(flags)); err != nil {
			return fmt.Errorf("make namespaces %v: %w", types, err)
		}
		for _, t := range types {
			f, err := os.Open("/proc/thread-self/ns/" + nsNames[t])
			if err != nil {
				return fmt.Errorf("open new %s namespace: %w", t, err)
			}
			files, names = append(files, f), append(names, nsNames[t])
		}
		return nil
	})
	if err != nil {
		closeFiles(files)
		return nil, nil, err
	}
	return files, names, nil
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// inNamespaces runs fn on a thread of its own that has joined the spec's
// namespaces given by path; fn starts the monitor from it. With none to
// join, fn runs here: starting a thread costs more than fn's own work in
// the benchmark.
func inNamespaces(p nsPlan, fn func() error) error {
	if len(p.join) == 0 {
		return fn()
	}
	return onOwnThread(func() error {
		for _, ns := range p.join {
			if err := setns(ns); err != nil {
				return err
			}
		}
		return fn()
	})
}

// onOwnThread runs fn on a locked OS thread of its own, for fn that moves
// the thread into other namespaces: the thread is never unlocked, so Go
// retires it afterwards.
func onOwnThread(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
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
