package solo5

import (
	"fmt"
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
	if b.Tender != HVT && b.Tender != SPT {
		return fmt.Errorf("solo5: unknown tender %q", b.Tender)
	}
	if err := vmm.CheckCaps(b, s); err != nil {
		return err
	}
	switch {
	case s.VCPUs > 1:
		return fmt.Errorf("%s%d vCPUs asked, the tender runs exactly one", p, s.VCPUs)
	case s.ConsoleLog != "":
		return fmt.Errorf("%sconsole log %q unsupported: the console goes to the tender's stdout", p, s.ConsoleLog)
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
		case len(d.Path) > maxPath || strings.ContainsAny(d.Path, " \t\n\v\f\r"):
			return fmt.Errorf("%sdisk %q: bad file %q (too long or with spaces)", p, name, d.Path)
		case d.ReadOnly:
			return fmt.Errorf("%sdisk %q: read-only disks unsupported (the tender opens them read-write)", p, name)
		}
		seen[name] = true
	}
	return nil
}

// checkNIC checks the TAP name the tender opens.
func checkNIC(n vmm.NIC) error {
	if len(n.Tap) > 15 || n.Tap[0] == '@' || strings.ContainsAny(n.Tap, "/: \t\n\v\f\r") {
		return fmt.Errorf("bad TAP name %q", n.Tap)
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
