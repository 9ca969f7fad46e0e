// Package qemu builds QEMU's command line for a vmm.Spec.
package qemu

import (
	"fmt"
	"strings"

	"github.com/ukrun/ukrun/internal/vmm"
)

// Machine types ukrun uses.
const (
	PC      = vmm.PC
	MicroVM = vmm.MicroVM
)

// Machine is a QEMU machine type.
type Machine = vmm.Machine

// Backend is QEMU as a vmm.Backend.
type Backend struct{}

// Name implements vmm.Backend.
func (Backend) Name() string { return "qemu" }

// Binary implements vmm.Backend.
func (Backend) Binary() string { return "qemu-system-x86_64" }

// ConfigKey implements vmm.Backend.
func (Backend) ConfigKey() string { return "qemu" }

// Caps implements vmm.Backend: QEMU does everything ukrun asks.
func (Backend) Caps() vmm.Caps {
	return vmm.Caps{Paused: true, TapFD: true, Initrd: true, Disks: true, Shares: true, Ports: true, Cmdline: true, RNG: true, Preconfig: true}
}

// Build implements vmm.Backend.
func (Backend) Build(s vmm.Spec) (vmm.Launch, error) {
	m := s.Machine
	if m == "" {
		m = PC
	}
	a, err := Argv(m, s)
	return vmm.Launch{Argv: a}, err
}

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
	if spec.Seccomp {
		a = append(a, "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny")
	}
	if spec.Initrd != "" {
		a = append(a, "-initrd", spec.Initrd)
	}
	if spec.Paused {
		a = append(a, "-S")
	}
	if spec.Preconfig {
		a = append(a, "-preconfig") // x-exit-preconfig on QMP creates the machine
	}
	if spec.ConsoleLog != "" {
		a = append(a, "-chardev", "file,id=con,path="+escape(spec.ConsoleLog))
	} else {
		a = append(a, "-chardev", "stdio,id=con,signal=off")
	}
	a = append(a, "-serial", "chardev:con")
	if spec.ControlFD > 0 {
		a = append(a, "-chardev", fmt.Sprintf("socket,id=qmp,fd=%d", spec.ControlFD), "-mon", "chardev=qmp,mode=control")
	}
	if len(spec.Ports) > 0 {
		// Room for our ports and port 0, which QEMU keeps for a console:
		// the default of 31 has the guest set up 64 virtqueues, 20-30 ms
		// of its boot under TCG.
		a = append(a, "-device", fmt.Sprintf("%s,id=vser,max_ports=%d", serialBus(m), len(spec.Ports)+1))
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
	for i, d := range spec.Disks {
		drive := fmt.Sprintf("file=%s,if=none,id=disk%d,format=raw", escape(d.Path), i)
		if d.ReadOnly {
			drive += ",readonly=on"
		}
		a = append(a, "-drive", drive, "-device", fmt.Sprintf("%s,drive=disk%d", blkDevice(m), i))
	}
	if spec.RNG {
		// QEMU's own generator (getrandom) behind it.
		a = append(a, "-device", rngDevice(m))
	}
	if n := spec.NIC; n != nil {
		dev := fmt.Sprintf("%s,netdev=net0,mac=%s", netDevice(m), n.MAC)
		if n.MTU > 0 && n.MTU != 1500 {
			dev += fmt.Sprintf(",host_mtu=%d", n.MTU)
		}
		netdev := fmt.Sprintf("tap,id=net0,fd=%d", n.FD)
		if n.FD == 0 {
			netdev = fmt.Sprintf("tap,id=net0,ifname=%s,script=no,downscript=no", n.Tap)
		}
		a = append(a, "-netdev", netdev, "-device", dev)
	}
	return a, nil
}

func ninePDevice(m Machine) string {
	if m == MicroVM {
		return "virtio-9p-device"
	}
	return "virtio-9p-pci"
}

func blkDevice(m Machine) string {
	if m == MicroVM {
		return "virtio-blk-device"
	}
	return "virtio-blk-pci"
}

func rngDevice(m Machine) string {
	if m == MicroVM {
		return "virtio-rng-device"
	}
	return "virtio-rng-pci"
}

func netDevice(m Machine) string {
	if m == MicroVM {
		return "virtio-net-device"
	}
	return "virtio-net-pci"
}

func check(s vmm.Spec) error {
	if err := vmm.CheckCaps(Backend{}, s); err != nil {
		return err
	}
	switch {
	case s.ControlFD != 0 && s.ControlFD < 3:
		return fmt.Errorf("qemu: control fd %d is not an inherited fd", s.ControlFD)
	case s.Paused && s.ControlFD == 0:
		return fmt.Errorf("qemu: a paused VM needs a control socket to resume it")
	case s.Preconfig && s.ControlFD == 0:
		return fmt.Errorf("qemu: a VM started before its boot files needs a control socket to go on")
	case s.NIC != nil && s.NIC.FD == 0 && strings.ContainsAny(s.NIC.Tap, ",="):
		return fmt.Errorf("qemu: bad TAP name %q", s.NIC.Tap)
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
