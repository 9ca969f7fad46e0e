package container

import (
	"strings"

	"github.com/ukrun/ukrun/internal/guest/unikernel"
	"github.com/ukrun/ukrun/internal/netsetup"
	"github.com/ukrun/ukrun/internal/vmm"
)

// blockID names the block device for VMMs that name devices: Solo5's
// manifests (rumprun, mirage) call it "storage".
const blockID = "storage"

// unikernelSpec boots the image's unikernel binary with the command line
// its libOS parses: the app's arguments, the pod's addressing and the
// image's block device or initrd.
func unikernelSpec(req *vmRequest, nic *netsetup.Result) (vmm.Spec, error) {
	g, err := unikernel.Get(req.vm.Guest)
	if err != nil {
		return vmm.Spec{}, err
	}
	ur := unikernel.Request{
		VMM: req.vm.VMM, Version: req.vm.Version, App: appLine(req),
		Env: req.spec.Process.Env, Initrd: req.vm.Initrd != "",
	}
	if nic != nil {
		p := nic.Pod
		ur.Net = &unikernel.Net{IP: p.IP, PrefixLen: p.Prefix, Gateway: p.Gateway, MAC: p.MAC.String(), MTU: p.MTU}
	}
	spec := vmm.Spec{Machine: vmm.PC, Kernel: req.vm.Kernel, Initrd: req.vm.Initrd}
	if req.vm.Block != "" {
		ur.Block = &unikernel.Block{ID: blockID, MountPoint: req.vm.BlockAt}
		ro := req.spec.Root != nil && req.spec.Root.Readonly
		spec.Disks = []vmm.Disk{{ID: blockID, Path: req.vm.Block, ReadOnly: ro}}
	}
	if spec.Cmdline, err = g.Cmdline(ur); err != nil {
		return vmm.Spec{}, err
	}
	return spec, nil
}

// appLine is the unikernel app's command line: the image's cmdline
// annotation, else the process arguments after the binary.
func appLine(req *vmRequest) string {
	if req.vm.Cmdline != "" {
		return req.vm.Cmdline
	}
	if args := req.spec.Process.Args; len(args) > 1 {
		return strings.Join(args[1:], " ")
	}
	return ""
}
