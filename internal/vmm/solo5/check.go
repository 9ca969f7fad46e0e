package solo5

import (
	"fmt"
	"net"
	"strings"

	"github.com/ukrun/ukrun/internal/vmm"
)

// Limits of the tenders' parsers (tenders/common/mft.h, hvt.h, spt_abi.h).
const (
	maxName    = 67   // MFT_NAME_MAX; names are [A-Za-z0-9]
	maxCmdline = 8191 // HVT_CMDLINE_SIZE/SPT_CMDLINE_SIZE less the NUL
	maxPath    = 4096 // PATH_MAX for --block
)

func (b Backend) check(s vmm.Spec) error {
	p := b.Binary() + ": "
	switch {
	case b.Tender != HVT && b.Tender != SPT:
		return fmt.Errorf("solo5: unknown tender %q", b.Tender)
	case s.Kernel == "":
		return fmt.Errorf("%sno kernel", p)
	case s.MemoryMiB <= 0 || s.VCPUs <= 0:
		return fmt.Errorf("%smemory %d MiB and %d vCPUs must be positive", p, s.MemoryMiB, s.VCPUs)
	case s.VCPUs > 1:
		return fmt.Errorf("%s%d vCPUs asked, the tender runs exactly one", p, s.VCPUs)
	case s.Initrd != "":
		return fmt.Errorf("%sinitrd %q unsupported", p, s.Initrd)
	case s.ConsoleLog != "":
		return fmt.Errorf("%sconsole log %q unsupported: the console goes to the tender's stdout", p, s.ConsoleLog)
	case s.ControlFD != 0:
		return fmt.Errorf("%scontrol fd %d unsupported", p, s.ControlFD)
	case s.Paused:
		return fmt.Errorf("%sa paused start is unsupported", p)
	case len(s.Shares) > 0:
		return fmt.Errorf("%sshared directories unsupported (%d given)", p, len(s.Shares))
	case len(s.Ports) > 0:
		return fmt.Errorf("%sserial ports unsupported (%d given)", p, len(s.Ports))
	case len(s.Cmdline) > maxCmdline:
		return fmt.Errorf("%scmdline of %d bytes, at most %d", p, len(s.Cmdline), maxCmdline)
	}
	if n := s.NIC; n != nil {
		if err := checkNIC(*n); err != nil {
			return fmt.Errorf("%s%w", p, err)
		}
	}
	seen := map[string]bool{}
	for _, d := range s.Disks {
		name := blockName(d)
		switch {
		case !validName(name):
			return fmt.Errorf("%sdisk name %q: want 1-%d letters or digits", p, name, maxName)
		case seen[name]:
			return fmt.Errorf("%sdisk name %q used twice", p, name)
		case d.Path == "" || len(d.Path) > maxPath || strings.ContainsAny(d.Path, " \t\n\v\f\r"):
			return fmt.Errorf("%sdisk %q: bad file %q (empty, too long or with spaces)", p, name, d.Path)
		case d.ReadOnly:
			return fmt.Errorf("%sdisk %q: read-only disks unsupported (the tender opens them read-write)", p, name)
		}
		seen[name] = true
	}
	return nil
}

func checkNIC(n vmm.NIC) error {
	switch {
	case n.Tap == "":
		return fmt.Errorf("NIC needs a TAP name (fd %d given): the tender opens the TAP itself", n.FD)
	case len(n.Tap) > 15 || n.Tap[0] == '@' || strings.ContainsAny(n.Tap, "/: \t\n\v\f\r"):
		return fmt.Errorf("bad TAP name %q", n.Tap)
	}
	if mac, err := net.ParseMAC(n.MAC); err != nil || len(mac) != 6 {
		return fmt.Errorf("bad NIC MAC %q", n.MAC)
	}
	return nil
}

// validName is a manifest name as the tenders' sscanf reads it.
func validName(s string) bool {
	if len(s) == 0 || len(s) > maxName {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
