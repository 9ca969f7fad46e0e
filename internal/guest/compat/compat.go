// Package compat is the table of guest × VMM × storage pairs ukrun runs,
// and the reason for each pair it refuses.
package compat

import (
	"fmt"
	"slices"
	"strings"
)

// Guest is one row of the table.
type Guest struct {
	Name    string
	VMMs    []string // backends it boots on
	Rootfs  []string // storage modes, the default first
	Refused string   // why the other VMMs cannot boot it
	// RootfsOn narrows Rootfs on some VMMs.
	RootfsOn map[string][]string
}

// RootfsModes returns the storage modes g uses on vmm, the default first.
func (g Guest) RootfsModes(vmm string) []string {
	if m, ok := g.RootfsOn[vmm]; ok {
		return m
	}
	return g.Rootfs
}

// VMMs are the dev.ukrun.vmm values, the table's columns; package
// backends implements exactly these (its test says so).
var VMMs = []string{"qemu", "firecracker", "cloud-hypervisor", "hvt", "spt"}

// Table is every guest type, in the order the docs list them.
var Table = []Guest{
	{Name: "linux", VMMs: []string{"qemu", "firecracker", "cloud-hypervisor"}, Rootfs: []string{"initrd", "9p"},
		Refused:  "Solo5 tenders boot only Solo5 unikernels",
		RootfsOn: map[string][]string{"firecracker": {"initrd"}, "cloud-hypervisor": {"initrd"}}},
	{Name: "unikraft", VMMs: []string{"qemu", "firecracker"}, Rootfs: []string{"none", "initrd"},
		Refused: "urunc's Unikraft images are built for QEMU and Firecracker"},
	{Name: "rumprun", VMMs: []string{"hvt", "spt"}, Rootfs: []string{"none", "block"},
		Refused: "rumprun images for urunc are built for Solo5 (hvt, spt)"},
	{Name: "mirage", VMMs: []string{"hvt", "spt", "qemu"}, Rootfs: []string{"none", "block"},
		Refused:  "MirageOS images for urunc are built for Solo5 (hvt, spt) or QEMU",
		RootfsOn: map[string][]string{"qemu": {"none"}}},
	{Name: "mewz", VMMs: []string{"qemu"}, Rootfs: []string{"none"},
		Refused: "Mewz boots only on QEMU"},
	{Name: "hermit", VMMs: []string{"qemu"}, Rootfs: []string{"none", "initrd"},
		Refused: "ukrun boots Hermit only on QEMU (its loader takes the app as the initrd)"},
}

// Names lists the guest types.
func Names() []string {
	var out []string
	for _, g := range Table {
		out = append(out, g.Name)
	}
	return out
}

// Lookup returns the row of guest name.
func Lookup(name string) (Guest, error) {
	for _, g := range Table {
		if g.Name == name {
			return g, nil
		}
	}
	return Guest{}, fmt.Errorf("unsupported guest %q (supported: %s)", name, strings.Join(Names(), ", "))
}

// Check tells whether guest boots on vmm with storage rootfs.
func Check(guest, vmm, rootfs string) error {
	g, err := Lookup(guest)
	if err != nil {
		return err
	}
	if !slices.Contains(g.VMMs, vmm) {
		return fmt.Errorf("guest %s cannot run on VMM %s (it runs on %s): %s",
			guest, vmm, strings.Join(g.VMMs, ", "), g.Refused)
	}
	if modes := g.RootfsModes(vmm); !slices.Contains(modes, rootfs) {
		return fmt.Errorf("guest %s on %s cannot use rootfs mode %s (it uses %s)", guest, vmm, rootfs, strings.Join(modes, ", "))
	}
	return nil
}
