// Package firecracker runs guests under Firecracker without its API
// socket: the whole VM is described by a JSON config file.
package firecracker

import (
	"fmt"
	"net"
	"strings"

	"github.com/ukrun/ukrun/internal/vmm"
)

// maxVCPUs is Firecracker's MAX_SUPPORTED_VCPUS.
const maxVCPUs = 32

// Backend is Firecracker as a vmm.Backend.
type Backend struct{}

// Name implements vmm.Backend.
func (Backend) Name() string { return "firecracker" }

// Binary implements vmm.Backend.
func (Backend) Binary() string { return "firecracker" }

// ConfigKey implements vmm.Backend.
func (Backend) ConfigKey() string { return "firecracker" }

// Caps implements vmm.Backend: Firecracker opens the TAP by name and has
// no 9p, no virtio-serial ports and (without its API) no paused start.
func (Backend) Caps() vmm.Caps {
	return vmm.Caps{Initrd: true, Disks: true, Cmdline: true}
}

// Build implements vmm.Backend. The guest console (ttyS0) goes to
// Firecracker's stdout; the config file goes in Launch.Files.
func (Backend) Build(s vmm.Spec) (vmm.Launch, error) {
	if err := check(s); err != nil {
		return vmm.Launch{}, err
	}
	c := config{
		BootSource: bootSource{Kernel: s.Kernel, BootArgs: s.Cmdline, Initrd: s.Initrd},
		Drives:     []drive{},
		Machine:    machine{VCPUs: s.VCPUs, MemMiB: s.MemoryMiB},
		Net:        []iface{},
	}
	for i, d := range s.Disks {
		c.Drives = append(c.Drives, drive{ID: driveID(i, d), Path: d.Path, ReadOnly: d.ReadOnly})
	}
	if n := s.NIC; n != nil {
		mac, _ := net.ParseMAC(n.MAC) // checked
		c.Net = append(c.Net, iface{ID: "eth0", Tap: n.Tap, MAC: mac.String()})
	}
	js, err := c.encode()
	if err != nil {
		return vmm.Launch{}, fmt.Errorf("firecracker: encode config: %w", err)
	}
	a := []string{"--no-api", "--config-file", s.ConfigFile}
	if id := instanceID(s.Name); id != "" {
		a = append(a, "--id", id)
	}
	if !s.Seccomp {
		a = append(a, "--no-seccomp")
	}
	return vmm.Launch{Argv: a, Files: map[string][]byte{s.ConfigFile: js}}, nil
}

// driveID is the disk's ID, else diskN.
func driveID(i int, d vmm.Disk) string {
	if d.ID != "" {
		return d.ID
	}
	return fmt.Sprintf("disk%d", i)
}

// instanceID makes name a valid --id: ASCII letters, digits and hyphens,
// at most 64 of them (Firecracker's validate_instance_id).
func instanceID(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	return strings.Trim(string(b[:min(len(b), 64)]), "-")
}

func check(s vmm.Spec) error {
	if err := vmm.CheckCaps(Backend{}, s); err != nil {
		return err
	}
	switch {
	case s.VCPUs > maxVCPUs:
		return fmt.Errorf("firecracker: %d vCPUs, at most %d", s.VCPUs, maxVCPUs)
	case s.ConfigFile == "":
		return fmt.Errorf("firecracker: no config file path")
	case s.ConsoleLog != "":
		return fmt.Errorf("firecracker: console log %q unsupported: the console goes to firecracker's stdout", s.ConsoleLog)
	}
	if n := s.NIC; n != nil && !validTap(n.Tap) {
		return fmt.Errorf("firecracker: bad TAP name %q", n.Tap)
	}
	ids := map[string]bool{}
	for i, d := range s.Disks {
		id := driveID(i, d)
		if ids[id] {
			return fmt.Errorf("firecracker: disk ID %q used twice", id)
		}
		ids[id] = true
	}
	return nil
}

// validTap is a Linux interface name: 1-15 bytes, no '/', ':' or space.
func validTap(s string) bool {
	return len(s) > 0 && len(s) < 16 && s != "." && s != ".." && !strings.ContainsAny(s, "/: \t\n")
}
