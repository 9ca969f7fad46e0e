package cloudhypervisor

// Option spellings from cloud-hypervisor/cloud-hypervisor
// cloud-hypervisor/src/main.rs (the clap arguments: --kernel, --cmdline,
// --initramfs, --cpus boot=, --memory size=, --disk, --net, --serial
// off|null|pty|tty|file=, --console, --seccomp true|false|log) and
// vmm/src/config.rs (DiskConfig path=,readonly=on|off; NetConfig
// tap=,mac=,fd=; fds <= 2 refused). Quoting of commas: option_parser/src/lib.rs
// (split_commas). fd= example: docs/macvtap-bridge.md,
// https://github.com/cloud-hypervisor/cloud-hypervisor/blob/main/docs/macvtap-bridge.md

import (
	"strings"
	"testing"

	"github.com/ukrun/ukrun/internal/vmm"
)

func base() vmm.Spec {
	return vmm.Spec{
		Name: "ukrun-c1", Accel: vmm.KVM, MemoryMiB: 256, VCPUs: 2,
		Kernel: "/cache/vmlinux", Cmdline: "console=ttyS0 rdinit=/init", Seccomp: true,
	}
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name string
		edit func(*vmm.Spec)
		want []string
	}{
		{
			name: "minimal",
			edit: func(*vmm.Spec) {},
			want: []string{
				"--kernel", "/cache/vmlinux", "--cmdline", "console=ttyS0 rdinit=/init",
				"--cpus", "boot=2", "--memory", "size=256M",
				"--serial", "tty", "--console", "off", "--seccomp", "true",
			},
		},
		{
			name: "initrd disks NIC fd console log no seccomp",
			edit: func(s *vmm.Spec) {
				s.Initrd = "/run/c1/initrd.cpio"
				s.Disks = []vmm.Disk{{Path: "/b/root.img", ReadOnly: true}, {ID: "data", Path: "/b/d,1.img"}}
				s.NIC = &vmm.NIC{FD: 8, Tap: "uk0", MAC: "02:00:00:00:00:0A", MTU: 1450}
				s.ConsoleLog = "/run/c1/console.log"
				s.Seccomp = false
			},
			want: []string{
				"--kernel", "/cache/vmlinux", "--cmdline", "console=ttyS0 rdinit=/init",
				"--initramfs", "/run/c1/initrd.cpio",
				"--cpus", "boot=2", "--memory", "size=256M",
				"--disk", "path=/b/root.img,readonly=on",
				"--disk", `path="/b/d,1.img"`,
				"--net", "fd=8,mac=02:00:00:00:00:0a",
				"--serial", "file=/run/c1/console.log", "--console", "off", "--seccomp", "false",
			},
		},
		{
			name: "NIC by name, no cmdline",
			edit: func(s *vmm.Spec) {
				s.Cmdline = ""
				s.NIC = &vmm.NIC{Tap: "uk0", MAC: "02:00:00:00:00:01"}
			},
			want: []string{
				"--kernel", "/cache/vmlinux",
				"--cpus", "boot=2", "--memory", "size=256M",
				"--net", "tap=uk0,mac=02:00:00:00:00:01",
				"--serial", "tty", "--console", "off", "--seccomp", "true",
			},
		},
		{
			name: "comma in console log",
			edit: func(s *vmm.Spec) { s.ConsoleLog = "/run/c,1/console.log" },
			want: []string{
				"--kernel", "/cache/vmlinux", "--cmdline", "console=ttyS0 rdinit=/init",
				"--cpus", "boot=2", "--memory", "size=256M",
				"--serial", `file="/run/c,1/console.log"`, "--console", "off", "--seccomp", "true",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(&s)
			l, err := Backend{}.Build(s)
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
		name string
		edit func(*vmm.Spec)
		want string
	}{
		{"no kernel", func(s *vmm.Spec) { s.Kernel = "" }, "cloud-hypervisor: no kernel"},
		{"zero memory", func(s *vmm.Spec) { s.MemoryMiB = 0 }, "must be positive"},
		{"zero vcpus", func(s *vmm.Spec) { s.VCPUs = 0 }, "must be positive"},
		{"control fd", func(s *vmm.Spec) { s.ControlFD = 3 }, "control fd 3 unsupported"},
		{"paused", func(s *vmm.Spec) { s.Paused = true }, "paused start is unsupported"},
		{"shares", func(s *vmm.Spec) { s.Shares = []vmm.Share{{Tag: "r", Path: "/r"}} }, "shared directories unsupported"},
		{"ports", func(s *vmm.Spec) { s.Ports = []vmm.Port{{Name: "p", FD: 4}} }, "serial ports unsupported"},
		{"dash cmdline", func(s *vmm.Spec) { s.Cmdline = "-x" }, `cmdline "-x" starts with '-'`},
		{"dash kernel", func(s *vmm.Spec) { s.Kernel = "-k" }, `kernel "-k" starts with '-'`},
		{"quote in disk", func(s *vmm.Spec) { s.Disks = []vmm.Disk{{ID: "d", Path: `/a"b`}} }, `disk 0 ("d") file "/a\"b" holds`},
		{"bracket in log", func(s *vmm.Spec) { s.ConsoleLog = "/a[1]" }, `console log "/a[1]" holds`},
		{"empty disk path", func(s *vmm.Spec) { s.Disks = []vmm.Disk{{ID: "d"}} }, `has no file`},
		{"space around disk path", func(s *vmm.Spec) { s.Disks = []vmm.Disk{{Path: " /a"}} }, "leading or trailing space"},
		{"bad mac", func(s *vmm.Spec) { s.NIC = &vmm.NIC{FD: 8, MAC: "x"} }, `bad NIC MAC "x"`},
		{"stdio fd", func(s *vmm.Spec) { s.NIC = &vmm.NIC{FD: 2, MAC: "02:00:00:00:00:01"} }, "NIC fd 2 is not an inherited fd"},
		{"negative fd", func(s *vmm.Spec) { s.NIC = &vmm.NIC{FD: -1, Tap: "uk0", MAC: "02:00:00:00:00:01"} }, "NIC fd -1 is not an inherited fd"},
		{"no fd no tap", func(s *vmm.Spec) { s.NIC = &vmm.NIC{MAC: "02:00:00:00:00:01"} }, "neither fd nor TAP name"},
		{"bad tap", func(s *vmm.Spec) { s.NIC = &vmm.NIC{Tap: "a,b", MAC: "02:00:00:00:00:01"} }, `bad TAP name "a,b"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(&s)
			_, err := Backend{}.Build(s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
