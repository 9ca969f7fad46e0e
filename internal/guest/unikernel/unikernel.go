// Package unikernel builds the boot arguments of unikernel guests: Unikraft,
// Rumprun, MirageOS, Mewz and Hermit. Each guest turns the app's arguments,
// its network (real prefix, gateway, MAC) and its storage into the command
// line its libOS parses.
package unikernel

import (
	"fmt"
	"net"
	"sort"
	"strings"
)

// Net is the guest NIC's addressing, from the pod interface.
type Net struct {
	IP        net.IP
	PrefixLen int
	Gateway   net.IP // nil: no default route
	MAC       string
	MTU       int
}

// Block is the block device the guest gets, and where the app wants it.
type Block struct {
	ID         string // device name where the VMM names devices (solo5 manifest)
	MountPoint string // com.urunc.unikernel.blkMntPoint; empty: not mounted by the libOS
}

// Request is one unikernel guest to boot.
type Request struct {
	VMM     string   // backend: qemu, firecracker, cloud-hypervisor, hvt, spt
	Version string   // com.urunc.unikernel.unikernelVersion; empty: newest style
	App     string   // the app's own command line
	Env     []string // process.env, for libOSes that take it
	Net     *Net     // nil: no NIC
	Block   *Block   // nil: no block device
	Initrd  bool     // an initrd is passed to the VMM
}

// Guest is one unikernel type.
type Guest interface {
	Name() string // the dev.ukrun.guest value
	Cmdline(Request) (string, error)
}

var guests = map[string]Guest{}

func register(g Guest) { guests[g.Name()] = g }

// Get returns the guest named name.
func Get(name string) (Guest, error) {
	if g, ok := guests[name]; ok {
		return g, nil
	}
	names := make([]string, 0, len(guests))
	for n := range guests {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("unknown unikernel %q (known: %s)", name, strings.Join(names, ", "))
}
