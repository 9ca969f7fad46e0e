package container

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// nsFlags maps OCI namespace types to clone flags. Mount, cgroup and time
// namespaces stay the host's: the VMM sees only its own files.
var nsFlags = map[specs.LinuxNamespaceType]uintptr{
	specs.NetworkNamespace: unix.CLONE_NEWNET,
	specs.IPCNamespace:     unix.CLONE_NEWIPC,
	specs.UTSNamespace:     unix.CLONE_NEWUTS,
	specs.PIDNamespace:     unix.CLONE_NEWPID,
}

// checkNamespaces refuses what a VM container cannot honour.
func checkNamespaces(s *specs.Spec) error {
	if s.Linux == nil {
		return nil
	}
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.UserNamespace {
			return errors.New("bundle config: user namespaces are not supported for VM containers")
		}
	}
	return nil
}

// startInNamespaces starts cmd in the spec's namespaces: it joins those
// given by path (setns on a locked thread that is then discarded) and has
// the kernel create the others.
func startInNamespaces(cmd *exec.Cmd, s *specs.Spec) error {
	var join []specs.LinuxNamespace
	var clone uintptr
	if s.Linux != nil {
		for _, ns := range s.Linux.Namespaces {
			flag, ok := nsFlags[ns.Type]
			switch {
			case !ok:
			case ns.Path != "":
				join = append(join, ns)
			default:
				clone |= flag
			}
		}
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Cloneflags |= clone
	errc := make(chan error, 1)
	go func() {
		// The thread's namespaces change: lock it and never unlock, so
		// Go retires it when this goroutine ends.
		runtime.LockOSThread()
		for _, ns := range join {
			if err := setns(ns); err != nil {
				errc <- err
				return
			}
		}
		errc <- cmd.Start()
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
