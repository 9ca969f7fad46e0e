// Package qemu builds QEMU's command line for a vmm.Spec.
package qemu

import (
	"fmt"
	"net"
	"strings"

	"github.com/ukrun/ukrun/internal/vmm"
)

// Machine is a QEMU machine type.
type Machine string

// Machine types ukrun uses.
const (
	PC      Machine = "pc"      // guests whose virtio drivers need PCI (the Debian kernel)
	MicroVM Machine = "microvm" // guests with virtio-mmio command-line devices
)

// Argv returns QEMU's argv (without the binary) for spec on machine m.
func Argv(m Machine, spec vmm.Spec) ([]string, error) {
	if err := check(spec); err != nil {
		return nil, err
	}
	a := []string{
		"-name", spec.Name,
		"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		"-machine", machine(m, spec.Accel),
		"-m", fmt.Sprintf("%dM", spec.MemoryMiB),
		"-smp", fmt.Sprint(spec.VCPUs),
		"-kernel", spec.Kernel,
		"-append", spec.Cmdline,
	}
	if spec.Accel == vmm.KVM {
		a = append(a, "-cpu", "host")
	}
	if spec.Initrd != "" {
		a = append(a, "-initrd", spec.Initrd)
	}
	if spec.Paused {
		a = append(a, "-S")
	}
	a = append(a,
		"-chardev", "file,id=con,path="+escape(spec.ConsoleLog),
		"-serial", "chardev:con",
		"-chardev", fmt.Sprintf("socket,id=qmp,fd=%d", spec.ControlFD),
		"-mon", "chardev=qmp,mode=control",
	)
	if len(spec.Ports) > 0 {
		a = append(a, "-device", serialBus(m)+",id=vser")
	}
	for i, p := range spec.Ports {
		id := fmt.Sprintf("port%d", i)
		a = append(a,
			"-chardev", fmt.Sprintf("socket,id=%s,fd=%d", id, p.FD),
			"-device", fmt.Sprintf("virtserialport,bus=vser.0,chardev=%s,name=%s", id, p.Name),
		)
	}
	for i, sh := range spec.Shares {
		fs := fmt.Sprintf("local,id=fs%d,path=%s,security_model=none", i, escape(sh.Path))
		if sh.ReadOnly {
			fs += ",readonly=on"
		}
		a = append(a, "-fsdev", fs, "-device", fmt.Sprintf("%s,fsdev=fs%d,mount_tag=%s", ninePDevice(m), i, sh.Tag))
	}
	if n := spec.NIC; n != nil {
		dev := fmt.Sprintf("%s,netdev=net0,mac=%s", netDevice(m), n.MAC)
		if n.MTU > 0 && n.MTU != 1500 {
			dev += fmt.Sprintf(",host_mtu=%d", n.MTU)
		}
		a = append(a, "-netdev", fmt.Sprintf("tap,id=net0,fd=%d", n.FD), "-device", dev)
	}
	return a, nil
}

func ninePDevice(m Machine) string {
	if m == MicroVM {
		return "virtio-9p-device"
	}
	return "virtio-9p-pci"
}

func netDevice(m Machine) string {
	if m == MicroVM {
		return "virtio-net-device"
	}
	return "virtio-net-pci"
}

func check(s vmm.Spec) error {
	switch {
	case s.Kernel == "":
		return fmt.Errorf("qemu: no kernel")
	case s.MemoryMiB <= 0 || s.VCPUs <= 0:
		return fmt.Errorf("qemu: memory %d MiB and %d vCPUs must be positive", s.MemoryMiB, s.VCPUs)
	case s.ControlFD < 3:
		return fmt.Errorf("qemu: control fd %d is not an inherited fd", s.ControlFD)
	}
	if n := s.NIC; n != nil {
		if _, err := net.ParseMAC(n.MAC); err != nil || n.FD < 3 {
			return fmt.Errorf("qemu: bad NIC %+v", *n)
		}
	}
	for _, sh := range s.Shares {
		if sh.Tag == "" || strings.ContainsAny(sh.Tag, ",=") || sh.Path == "" {
			return fmt.Errorf("qemu: bad share %+v", sh)
		}
	}
	for _, p := range s.Ports {
		if p.FD < 3 || p.Name == "" || strings.ContainsAny(p.Name, ",=") {
			return fmt.Errorf("qemu: bad port %+v", p)
		}
	}
	return nil
}

func machine(m Machine, accel vmm.Accel) string {
	s := fmt.Sprintf("%s,accel=%s", m, accel)
	if m == MicroVM {
		// Under TCG the kernel hangs calibrating the TSC with ACPI on.
		s += ",acpi=off"
	}
	return s
}

func serialBus(m Machine) string {
	if m == MicroVM {
		return "virtio-serial-device"
	}
	return "virtio-serial-pci"
}

// escape doubles commas, QEMU's escape inside an option value.
func escape(s string) string { return strings.ReplaceAll(s, ",", ",,") }
