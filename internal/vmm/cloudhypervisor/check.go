package cloudhypervisor

import (
	"fmt"
	"strings"

	"github.com/ukrun/ukrun/internal/vmm"
)

func check(s vmm.Spec) error {
	if err := vmm.CheckCaps(Backend{}, s); err != nil {
		return err
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

// checkNIC checks a TAP name, used when no fd is given.
func checkNIC(n vmm.NIC) error {
	if n.FD == 0 && (len(n.Tap) > 15 || strings.ContainsAny(n.Tap, "/: \t\n,=\"[]")) {
		return fmt.Errorf("cloud-hypervisor: bad TAP name %q", n.Tap)
	}
	return nil
}
