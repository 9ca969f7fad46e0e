// Package cloudhypervisor builds Cloud Hypervisor's command line.
package cloudhypervisor

import (
	"fmt"
	"net"
	"strings"

	"github.com/ukrun/ukrun/internal/vmm"
)

// Backend is Cloud Hypervisor as a vmm.Backend.
type Backend struct{}

// Name implements vmm.Backend.
func (Backend) Name() string { return "cloud-hypervisor" }

// Binary implements vmm.Backend.
func (Backend) Binary() string { return "cloud-hypervisor" }

// ConfigKey implements vmm.Backend.
func (Backend) ConfigKey() string { return "cloud_hypervisor" }

// Caps implements vmm.Backend: Cloud Hypervisor takes the TAP queue fd
// (--net fd=); it has no 9p, no named serial ports, no paused start.
func (Backend) Caps() vmm.Caps {
	return vmm.Caps{TapFD: true, Initrd: true, Disks: true, Cmdline: true}
}

// Build implements vmm.Backend. The guest console is the 8250 serial port
// (ttyS0); the virtio console is off.
func (Backend) Build(s vmm.Spec) (vmm.Launch, error) {
	if err := check(s); err != nil {
		return vmm.Launch{}, err
	}
	a := []string{"--kernel", s.Kernel}
	if s.Cmdline != "" {
		a = append(a, "--cmdline", s.Cmdline)
	}
	if s.Initrd != "" {
		a = append(a, "--initramfs", s.Initrd)
	}
	a = append(a,
		"--cpus", fmt.Sprintf("boot=%d", s.VCPUs),
		"--memory", fmt.Sprintf("size=%dM", s.MemoryMiB),
	)
	for _, d := range s.Disks {
		v := "path=" + quote(d.Path)
		if d.ReadOnly {
			v += ",readonly=on"
		}
		a = append(a, "--disk", v)
	}
	if n := s.NIC; n != nil {
		a = append(a, "--net", netValue(n))
	}
	serial := "tty"
	if s.ConsoleLog != "" {
		serial = "file=" + quote(s.ConsoleLog)
	}
	a = append(a, "--serial", serial, "--console", "off", "--seccomp", fmt.Sprint(s.Seccomp))
	return vmm.Launch{Argv: a}, nil
}

// netValue is --net's value: the queue fd if given, else the TAP's name.
// No mtu=: Cloud Hypervisor reads the TAP's MTU for the guest, and mtu=
// would make it set the TAP's MTU, which needs CAP_NET_ADMIN.
func netValue(n *vmm.NIC) string {
	mac, _ := net.ParseMAC(n.MAC) // checked
	if n.FD > 0 {
		return fmt.Sprintf("fd=%d,mac=%s", n.FD, mac)
	}
	return fmt.Sprintf("tap=%s,mac=%s", n.Tap, mac)
}

// quote wraps a value holding a comma in double quotes, the escape of
// Cloud Hypervisor's option parser (which drops the quotes).
func quote(v string) string {
	if strings.Contains(v, ",") {
		return `"` + v + `"`
	}
	return v
}

// badValue says why v cannot go in an option-parser value: the parser
// trims spaces, strips quotes and counts brackets even inside quotes.
func badValue(v string) string {
	switch {
	case v == "":
		return "empty"
	case strings.ContainsAny(v, `"[]`):
		return `holds '"', '[' or ']'`
	case strings.TrimSpace(v) != v:
		return "has leading or trailing space"
	}
	return ""
}

// badArg says why v cannot follow a flag as its own argv element: clap
// takes a leading '-' for the next flag.
func badArg(v string) string {
	if strings.HasPrefix(v, "-") {
		return "starts with '-'"
	}
	return ""
}
