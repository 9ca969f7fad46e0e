package cloudhypervisor

import (
	"fmt"
	"net"
	"strings"

	"github.com/ukrun/ukrun/internal/vmm"
)

func check(s vmm.Spec) error {
	switch {
	case s.Kernel == "":
		return fmt.Errorf("cloud-hypervisor: no kernel")
	case s.MemoryMiB <= 0 || s.VCPUs <= 0:
		return fmt.Errorf("cloud-hypervisor: memory %d MiB and %d vCPUs must be positive", s.MemoryMiB, s.VCPUs)
	case s.ControlFD != 0:
		return fmt.Errorf("cloud-hypervisor: control fd %d unsupported (its API is not QMP)", s.ControlFD)
	case s.Paused:
		return fmt.Errorf("cloud-hypervisor: a paused start is unsupported")
	case len(s.Shares) > 0:
		return fmt.Errorf("cloud-hypervisor: shared directories unsupported (%d given)", len(s.Shares))
	case len(s.Ports) > 0:
		return fmt.Errorf("cloud-hypervisor: serial ports unsupported (%d given)", len(s.Ports))
	}
	for _, a := range [][2]string{{"kernel", s.Kernel}, {"cmdline", s.Cmdline}, {"initrd", s.Initrd}} {
		if why := badArg(a[1]); why != "" {
			return fmt.Errorf("cloud-hypervisor: %s %q %s", a[0], a[1], why)
		}
	}
	if s.ConsoleLog != "" {
		if why := badValue(s.ConsoleLog); why != "" {
			return fmt.Errorf("cloud-hypervisor: console log %q %s", s.ConsoleLog, why)
		}
	}
	for i, d := range s.Disks {
		if why := badValue(d.Path); why != "" {
			return fmt.Errorf("cloud-hypervisor: disk %d (%q) file %q %s", i, d.ID, d.Path, why)
		}
	}
	if n := s.NIC; n != nil {
		return checkNIC(*n)
	}
	return nil
}

func checkNIC(n vmm.NIC) error {
	if mac, err := net.ParseMAC(n.MAC); err != nil || len(mac) != 6 {
		return fmt.Errorf("cloud-hypervisor: bad NIC MAC %q", n.MAC)
	}
	switch {
	case n.FD > 0 && n.FD < 3:
		return fmt.Errorf("cloud-hypervisor: NIC fd %d is not an inherited fd", n.FD)
	case n.FD > 0:
		return nil
	case n.FD < 0:
		return fmt.Errorf("cloud-hypervisor: bad NIC fd %d", n.FD)
	case n.Tap == "":
		return fmt.Errorf("cloud-hypervisor: NIC has neither fd nor TAP name")
	case len(n.Tap) > 15 || strings.ContainsAny(n.Tap, "/: \t\n,=\"[]"):
		return fmt.Errorf("cloud-hypervisor: bad TAP name %q", n.Tap)
	}
	return nil
}
