package solo5

// Option spellings from Solo5/solo5: tenders/hvt/hvt_main.c and
// tenders/spt/spt_main.c (--mem=<MiB>, "--" ends the options, then KERNEL
// and ARGS; setup_cmdline joins ARGS with single spaces, at most 8191
// bytes), tenders/hvt/hvt_module_net.c and tenders/spt/spt_module_net.c
// (--net:NAME=IFACE | @NN, --net-mac:NAME=HWADDR, NAME [A-Za-z0-9]{1,67}),
// tenders/hvt/hvt_module_blk.c (--block:NAME=PATH, PATH read with %s),
// tenders/common/tap_attach.c (@NN is an already-open fd), and
// https://github.com/Solo5/solo5/blob/master/docs/building.md
// ("--mem=2 --net:service0=tap100 -- test_net.hvt verbose"; every device
// the manifest declares must be attached). The "service" and "storage"
// names are MirageOS' defaults, as in its unikernels' READMEs:
// "solo5-hvt --net:service=tap100 --block:storage=disk.img app.hvt".

import (
	"strings"
	"testing"

	"github.com/ukrun/ukrun/internal/vmm"
)

func base() vmm.Spec {
	return vmm.Spec{
		Name: "ukrun-c1", Accel: vmm.KVM, MemoryMiB: 64, VCPUs: 1,
		Kernel: "/cache/app.hvt", Cmdline: "--ipv4=10.0.0.2/24 --ipv4-gateway=10.0.0.1",
		Seccomp: true,
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		b                 Backend
		name, bin, config string
	}{
		{Backend{HVT}, "hvt", "solo5-hvt", "solo5_hvt"},
		{Backend{SPT}, "spt", "solo5-spt", "solo5_spt"},
	} {
		if tc.b.Name() != tc.name || tc.b.Binary() != tc.bin || tc.b.ConfigKey() != tc.config {
			t.Errorf("%v: %s %s %s", tc.b, tc.b.Name(), tc.b.Binary(), tc.b.ConfigKey())
		}
		if c := tc.b.Caps(); c != (vmm.Caps{Disks: true, Cmdline: true}) {
			t.Errorf("%v caps %+v", tc.b, c)
		}
	}
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name   string
		tender Tender
		edit   func(*vmm.Spec)
		want   []string
	}{
		{
			name:   "hvt minimal",
			tender: HVT,
			edit:   func(*vmm.Spec) {},
			want:   []string{"--mem=64", "--", "/cache/app.hvt", "--ipv4=10.0.0.2/24 --ipv4-gateway=10.0.0.1"},
		},
		{
			name:   "hvt NIC and disks",
			tender: HVT,
			edit: func(s *vmm.Spec) {
				s.NIC = &vmm.NIC{FD: 8, Tap: "uk0", MAC: "02:00:00:00:00:0A", MTU: 1450}
				s.Disks = []vmm.Disk{{Path: "/b/disk.img"}, {ID: "data2", Path: "/b/d=2.img"}}
				s.Seccomp = false
			},
			want: []string{
				"--mem=64",
				"--net:service=uk0", "--net-mac:service=02:00:00:00:00:0a",
				"--block:storage=/b/disk.img", "--block:data2=/b/d=2.img",
				"--", "/cache/app.hvt", "--ipv4=10.0.0.2/24 --ipv4-gateway=10.0.0.1",
			},
		},
		{
			name:   "spt under tcg, no cmdline",
			tender: SPT,
			edit: func(s *vmm.Spec) {
				s.Accel, s.Kernel, s.Cmdline = vmm.TCG, "/cache/app.spt", ""
				s.NIC = &vmm.NIC{Tap: "uk0", MAC: "02:00:00:00:00:01"}
			},
			want: []string{"--mem=64", "--net:service=uk0", "--net-mac:service=02:00:00:00:00:01", "--", "/cache/app.spt"},
		},
		{
			name:   "kernel path starting with a dash",
			tender: SPT,
			edit:   func(s *vmm.Spec) { s.Kernel, s.Cmdline = "-app.spt", "-- x" },
			want:   []string{"--mem=64", "--", "-app.spt", "-- x"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(&s)
			l, err := Backend{tc.tender}.Build(s)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(l.Argv, "\n"), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("argv:\n%s\nwant:\n%s", got, want)
			}
			if len(l.Files) != 0 {
				t.Errorf("files: %v", l.Files)
			}
		})
	}
}

func TestRefused(t *testing.T) {
	tests := []struct {
		name   string
		tender Tender
		edit   func(*vmm.Spec)
		want   string
	}{
		{"unknown tender", "xen", func(*vmm.Spec) {}, `solo5: unknown tender "xen"`},
		{"no kernel", HVT, func(s *vmm.Spec) { s.Kernel = "" }, "solo5-hvt: no kernel"},
		{"zero memory", SPT, func(s *vmm.Spec) { s.MemoryMiB = 0 }, "solo5-spt: memory 0 MiB and 1 vCPUs must be positive"},
		{"zero vcpus", HVT, func(s *vmm.Spec) { s.VCPUs = 0 }, "must be positive"},
		{"two vcpus", HVT, func(s *vmm.Spec) { s.VCPUs = 2 }, "solo5-hvt: 2 vCPUs asked, the tender runs exactly one"},
		{"initrd", SPT, func(s *vmm.Spec) { s.Initrd = "/i.cpio" }, `solo5-spt: initrd "/i.cpio" unsupported`},
		{"console log", HVT, func(s *vmm.Spec) { s.ConsoleLog = "/c.log" }, `console log "/c.log" unsupported`},
		{"control fd", HVT, func(s *vmm.Spec) { s.ControlFD = 3 }, "control fd 3 unsupported"},
		{"paused", HVT, func(s *vmm.Spec) { s.Paused = true }, "paused start is unsupported"},
		{"shares", HVT, func(s *vmm.Spec) { s.Shares = []vmm.Share{{Tag: "r", Path: "/r"}} }, "shared directories unsupported"},
		{"ports", HVT, func(s *vmm.Spec) { s.Ports = []vmm.Port{{Name: "p", FD: 4}} }, "serial ports unsupported"},
		{"long cmdline", HVT, func(s *vmm.Spec) { s.Cmdline = strings.Repeat("a", 8192) }, "cmdline of 8192 bytes, at most 8191"},
		{"nic fd only", HVT, func(s *vmm.Spec) { s.NIC = &vmm.NIC{FD: 8, MAC: "02:00:00:00:00:01"} }, "solo5-hvt: NIC needs a TAP name (fd 8 given)"},
		{"tap as fd", SPT, func(s *vmm.Spec) { s.NIC = &vmm.NIC{Tap: "@8", MAC: "02:00:00:00:00:01"} }, `solo5-spt: bad TAP name "@8"`},
		{"long tap", HVT, func(s *vmm.Spec) { s.NIC = &vmm.NIC{Tap: "tap-name-too-long", MAC: "02:00:00:00:00:01"} }, "bad TAP name"},
		{"bad mac", HVT, func(s *vmm.Spec) { s.NIC = &vmm.NIC{Tap: "uk0", MAC: "02:00:00:00:00:00:00:01"} }, "bad NIC MAC"},
		{"bad disk name", HVT, func(s *vmm.Spec) { s.Disks = []vmm.Disk{{ID: "my-disk", Path: "/d"}} }, `disk name "my-disk": want 1-67 letters or digits`},
		{"duplicate disk", HVT, func(s *vmm.Spec) { s.Disks = []vmm.Disk{{Path: "/a"}, {ID: "storage", Path: "/b"}} }, `disk name "storage" used twice`},
		{"space in disk path", HVT, func(s *vmm.Spec) { s.Disks = []vmm.Disk{{Path: "/a b"}} }, `disk "storage": bad file "/a b"`},
		{"empty disk path", SPT, func(s *vmm.Spec) { s.Disks = []vmm.Disk{{ID: "d"}} }, `has no file`},
		{"read-only disk", HVT, func(s *vmm.Spec) { s.Disks = []vmm.Disk{{Path: "/a", ReadOnly: true}} }, "read-only disks unsupported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(&s)
			_, err := Backend{tc.tender}.Build(s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
