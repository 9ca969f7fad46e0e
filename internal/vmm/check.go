package vmm

import (
	"fmt"
	"net"
)

// CheckCaps refuses a spec that asks a backend for what it cannot do, and
// the values every backend needs: a kernel, positive sizes, a MAC. Errors
// start with the backend's binary name.
func CheckCaps(b Backend, s Spec) error {
	c, p := b.Caps(), b.Binary()+": "
	switch {
	case s.Kernel == "":
		return fmt.Errorf("%sno kernel", p)
	case s.MemoryMiB <= 0 || s.VCPUs <= 0:
		return fmt.Errorf("%smemory %d MiB and %d vCPUs must be positive", p, s.MemoryMiB, s.VCPUs)
	case s.Paused && !c.Paused:
		return fmt.Errorf("%sa paused start is unsupported", p)
	case s.Preconfig && !c.Preconfig:
		return fmt.Errorf("%sa start before the boot files are written is unsupported", p)
	case s.ControlFD != 0 && !c.Paused:
		return fmt.Errorf("%scontrol fd %d unsupported (no QMP)", p, s.ControlFD)
	case s.Initrd != "" && !c.Initrd:
		return fmt.Errorf("%sinitrd %q unsupported", p, s.Initrd)
	case len(s.Disks) > 0 && !c.Disks:
		return fmt.Errorf("%sdisks unsupported (%d given)", p, len(s.Disks))
	case len(s.Shares) > 0 && !c.Shares:
		return fmt.Errorf("%sshared directories unsupported (%d given)", p, len(s.Shares))
	case len(s.Ports) > 0 && !c.Ports:
		return fmt.Errorf("%sserial ports unsupported (%d given)", p, len(s.Ports))
	case s.Cmdline != "" && !c.Cmdline:
		return fmt.Errorf("%sa kernel command line is unsupported", p)
	case s.RNG && !c.RNG:
		return fmt.Errorf("%san entropy device is unsupported", p)
	}
	if n := s.NIC; n != nil {
		if mac, err := net.ParseMAC(n.MAC); err != nil || len(mac) != 6 {
			return fmt.Errorf("%sbad NIC MAC %q", p, n.MAC)
		}
		if n.FD < 0 || n.FD > 0 && n.FD < 3 {
			return fmt.Errorf("%sNIC fd %d is not an inherited fd", p, n.FD)
		}
		if !c.TapFD && n.Tap == "" {
			return fmt.Errorf("%sNIC needs a TAP name (fd %d given): %s opens the TAP itself", p, n.FD, b.Name())
		}
		if n.FD == 0 && n.Tap == "" {
			return fmt.Errorf("%sNIC has neither fd nor TAP name", p)
		}
	}
	for i, d := range s.Disks {
		if d.Path == "" {
			return fmt.Errorf("%sdisk %d (%q) has no file", p, i, d.ID)
		}
	}
	return nil
}
