package vmm

import (
	"strings"
	"testing"
)

type fake struct{ caps Caps }

func (fake) Name() string               { return "fake" }
func (fake) Binary() string             { return "fake-vmm" }
func (fake) ConfigKey() string          { return "fake" }
func (f fake) Caps() Caps               { return f.caps }
func (fake) Build(Spec) (Launch, error) { return Launch{}, nil }

func TestCheckCaps(t *testing.T) {
	ok := Spec{Kernel: "/k", MemoryMiB: 64, VCPUs: 1, NIC: &NIC{Tap: "uk1", MAC: "02:00:00:00:00:01"}}
	if err := CheckCaps(fake{}, ok); err != nil {
		t.Fatalf("plain spec: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Spec)
		want string
	}{
		{"no kernel", func(s *Spec) { s.Kernel = "" }, "fake-vmm: no kernel"},
		{"no memory", func(s *Spec) { s.MemoryMiB = 0 }, "must be positive"},
		{"paused", func(s *Spec) { s.Paused = true }, "paused start is unsupported"},
		{"control fd", func(s *Spec) { s.ControlFD = 3 }, "control fd 3 unsupported"},
		{"initrd", func(s *Spec) { s.Initrd = "/i" }, `initrd "/i" unsupported`},
		{"disks", func(s *Spec) { s.Disks = []Disk{{Path: "/d"}} }, "disks unsupported"},
		{"shares", func(s *Spec) { s.Shares = []Share{{Tag: "t", Path: "/p"}} }, "shared directories unsupported"},
		{"ports", func(s *Spec) { s.Ports = []Port{{Name: "p", FD: 4}} }, "serial ports unsupported"},
		{"cmdline", func(s *Spec) { s.Cmdline = "x" }, "command line is unsupported"},
		{"rng", func(s *Spec) { s.RNG = true }, "entropy device is unsupported"},
		{"preconfig", func(s *Spec) { s.Preconfig = true }, "start before the boot files are written is unsupported"},
		{"bad MAC", func(s *Spec) { s.NIC = &NIC{Tap: "uk1", MAC: "nope"} }, `bad NIC MAC "nope"`},
		{"fd only", func(s *Spec) { s.NIC = &NIC{FD: 8, MAC: "02:00:00:00:00:01"} }, "fake opens the TAP itself"},
		{"stdio fd", func(s *Spec) { s.NIC = &NIC{FD: 1, Tap: "uk1", MAC: "02:00:00:00:00:01"} }, "not an inherited fd"},
	} {
		s := ok
		tc.edit(&s)
		if err := CheckCaps(fake{}, s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	all := fake{Caps{Paused: true, TapFD: true, Initrd: true, Disks: true, Shares: true, Ports: true, Cmdline: true, RNG: true, Preconfig: true}}
	full := ok
	full.Paused, full.ControlFD, full.Initrd, full.Cmdline, full.RNG, full.Preconfig = true, 3, "/i", "x", true, true
	full.NIC = &NIC{FD: 8, MAC: "02:00:00:00:00:01"}
	full.Disks, full.Shares, full.Ports = []Disk{{Path: "/d"}}, []Share{{Tag: "t", Path: "/p"}}, []Port{{Name: "p", FD: 4}}
	if err := CheckCaps(all, full); err != nil {
		t.Fatalf("a backend that can do everything: %v", err)
	}
}
