// Package solo5 runs Solo5 unikernels under the hvt (KVM) and spt
// (seccomp sandbox) tenders.
//
// Devices are bound by the names the unikernel's manifest declares: the
// NIC as "service" (MirageOS' and rumprun's default), disks as Disk.ID,
// default "storage". The tender joins the arguments after the kernel
// with single spaces into the guest command line, so the Cmdline goes as
// one argv element: the guest sees it byte for byte, nothing is split.
package solo5

import (
	"fmt"
	"net"

	"github.com/ukrun/ukrun/internal/vmm"
)

// Tender is a Solo5 tender.
type Tender string

// Tenders.
const (
	HVT Tender = "hvt" // hardware virtualisation (KVM)
	SPT Tender = "spt" // a seccomp-sandboxed process, no KVM
)

// Manifest names ukrun binds devices to.
const (
	NetName   = "service"
	BlockName = "storage" // for a Disk without an ID
)

// Backend is one Solo5 tender as a vmm.Backend.
type Backend struct{ Tender Tender }

// Name implements vmm.Backend.
func (b Backend) Name() string { return string(b.Tender) }

// Binary implements vmm.Backend.
func (b Backend) Binary() string { return "solo5-" + string(b.Tender) }

// ConfigKey implements vmm.Backend.
func (b Backend) ConfigKey() string { return "solo5_" + string(b.Tender) }

// Caps implements vmm.Backend. The tender opens the TAP by name: it also
// takes "@fd", but reads bare frames, and ukrun's TAP queues carry a
// virtio-net header (IFF_VNET_HDR).
func (Backend) Caps() vmm.Caps {
	return vmm.Caps{Disks: true, Cmdline: true}
}

// Build implements vmm.Backend. The console goes to the tender's stdout.
// Seccomp is not an option: spt is always sandboxed, hvt's privilege
// dropping is fixed when it is built. NIC.MTU is not an option either.
func (b Backend) Build(s vmm.Spec) (vmm.Launch, error) {
	if err := b.check(s); err != nil {
		return vmm.Launch{}, err
	}
	a := []string{fmt.Sprintf("--mem=%d", s.MemoryMiB)}
	if n := s.NIC; n != nil {
		mac, _ := net.ParseMAC(n.MAC) // checked
		a = append(a, "--net:"+NetName+"="+n.Tap, "--net-mac:"+NetName+"="+mac.String())
	}
	for _, d := range s.Disks {
		a = append(a, "--block:"+blockName(d)+"="+d.Path)
	}
	a = append(a, "--", s.Kernel)
	if s.Cmdline != "" {
		a = append(a, s.Cmdline)
	}
	return vmm.Launch{Argv: a}, nil
}

func blockName(d vmm.Disk) string {
	if d.ID == "" {
		return BlockName
	}
	return d.ID
}
