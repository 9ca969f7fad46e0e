package firecracker

// Option spellings: --no-api, --config-file, --id and --no-seccomp from
// firecracker-microvm/firecracker src/firecracker/src/main.rs (the
// ArgParser); --id rules from src/utils/src/validators.rs
// (validate_instance_id: alphanumerics and '-', 1-64 long). Config keys
// from tests/framework/vm_config_network.json and
// https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md;
// the 32-vCPU limit is MAX_SUPPORTED_VCPUS in
// src/vmm/src/vmm_config/machine_config.rs. "drives" is required and
// "network-interfaces" optional: VmmConfig in src/vmm/src/resources.rs.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ukrun/ukrun/internal/vmm"
)

func base() vmm.Spec {
	return vmm.Spec{
		Name: "ukrun-c1", Accel: vmm.KVM, MemoryMiB: 256, VCPUs: 2,
		Kernel: "/cache/vmlinux", Cmdline: "console=ttyS0 reboot=k",
		ConfigFile: "/run/c1/fc.json", Seccomp: true,
	}
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name string
		edit func(*vmm.Spec)
		argv []string
		json string
	}{
		{
			name: "minimal",
			edit: func(*vmm.Spec) {},
			argv: []string{"--no-api", "--config-file", "/run/c1/fc.json", "--id", "ukrun-c1"},
			json: `{
  "boot-source": {
    "kernel_image_path": "/cache/vmlinux",
    "boot_args": "console=ttyS0 reboot=k"
  },
  "drives": [],
  "machine-config": {
    "vcpu_count": 2,
    "mem_size_mib": 256,
    "smt": false
  },
  "network-interfaces": []
}
`,
		},
		{
			name: "initrd disks NIC no seccomp",
			edit: func(s *vmm.Spec) {
				s.Name = "ukrun_c1.x"
				s.Initrd = "/run/c1/initrd.cpio"
				s.Seccomp = false
				s.Disks = []vmm.Disk{{Path: "/b/root.img", ReadOnly: true}, {ID: "data", Path: "/b/data.img"}}
				s.NIC = &vmm.NIC{FD: 8, Tap: "uk0", MAC: "02:00:00:00:00:0A", MTU: 1450}
			},
			argv: []string{"--no-api", "--config-file", "/run/c1/fc.json", "--id", "ukrun-c1-x", "--no-seccomp"},
			json: `{
  "boot-source": {
    "kernel_image_path": "/cache/vmlinux",
    "boot_args": "console=ttyS0 reboot=k",
    "initrd_path": "/run/c1/initrd.cpio"
  },
  "drives": [
    {
      "drive_id": "disk0",
      "path_on_host": "/b/root.img",
      "is_root_device": false,
      "is_read_only": true
    },
    {
      "drive_id": "data",
      "path_on_host": "/b/data.img",
      "is_root_device": false,
      "is_read_only": false
    }
  ],
  "machine-config": {
    "vcpu_count": 2,
    "mem_size_mib": 256,
    "smt": false
  },
  "network-interfaces": [
    {
      "iface_id": "eth0",
      "host_dev_name": "uk0",
      "guest_mac": "02:00:00:00:00:0a"
    }
  ]
}
`,
		},
		{
			name: "empty cmdline kept, no usable id",
			edit: func(s *vmm.Spec) { s.Name, s.Cmdline = "__", "" },
			argv: []string{"--no-api", "--config-file", "/run/c1/fc.json"},
			json: `{
  "boot-source": {
    "kernel_image_path": "/cache/vmlinux",
    "boot_args": ""
  },
  "drives": [],
  "machine-config": {
    "vcpu_count": 2,
    "mem_size_mib": 256,
    "smt": false
  },
  "network-interfaces": []
}
`,
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
			if got, want := strings.Join(l.Argv, "\n"), strings.Join(tc.argv, "\n"); got != want {
				t.Errorf("argv:\n%s\nwant:\n%s", got, want)
			}
			if len(l.Files) != 1 {
				t.Fatalf("files: %v", l.Files)
			}
			got := string(l.Files[s.ConfigFile])
			if got != tc.json {
				t.Errorf("config:\n%s\nwant:\n%s", got, tc.json)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("config is not JSON")
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
		{"no kernel", func(s *vmm.Spec) { s.Kernel = "" }, "firecracker: no kernel"},
		{"zero memory", func(s *vmm.Spec) { s.MemoryMiB = 0 }, "must be positive"},
		{"negative vcpus", func(s *vmm.Spec) { s.VCPUs = -1 }, "must be positive"},
		{"too many vcpus", func(s *vmm.Spec) { s.VCPUs = 33 }, "33 vCPUs, at most 32"},
		{"no config file", func(s *vmm.Spec) { s.ConfigFile = "" }, "no config file path"},
		{"console log", func(s *vmm.Spec) { s.ConsoleLog = "/run/c1/console.log" }, `console log "/run/c1/console.log" unsupported`},
		{"control fd", func(s *vmm.Spec) { s.ControlFD = 3 }, "control fd 3 unsupported"},
		{"paused", func(s *vmm.Spec) { s.Paused = true }, "paused start is unsupported"},
		{"shares", func(s *vmm.Spec) { s.Shares = []vmm.Share{{Tag: "r", Path: "/r"}} }, "shared directories unsupported"},
		{"ports", func(s *vmm.Spec) { s.Ports = []vmm.Port{{Name: "p", FD: 4}} }, "serial ports unsupported"},
		{"nic fd only", func(s *vmm.Spec) { s.NIC = &vmm.NIC{FD: 8, MAC: "02:00:00:00:00:01"} }, "NIC needs a TAP name (fd 8 given)"},
		{"bad tap", func(s *vmm.Spec) { s.NIC = &vmm.NIC{Tap: "a/b", MAC: "02:00:00:00:00:01"} }, `bad TAP name "a/b"`},
		{"long tap", func(s *vmm.Spec) { s.NIC = &vmm.NIC{Tap: "tap-name-too-long", MAC: "02:00:00:00:00:01"} }, "bad TAP name"},
		{"bad mac", func(s *vmm.Spec) { s.NIC = &vmm.NIC{Tap: "uk0", MAC: "nope"} }, `bad NIC MAC "nope"`},
		{"disk without file", func(s *vmm.Spec) { s.Disks = []vmm.Disk{{ID: "d"}} }, `has no file`},
		{"duplicate disk id", func(s *vmm.Spec) { s.Disks = []vmm.Disk{{ID: "d", Path: "/a"}, {ID: "d", Path: "/b"}} }, `disk ID "d" used twice`},
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

func TestInstanceID(t *testing.T) {
	for in, want := range map[string]string{
		"ukrun-c1":              "ukrun-c1",
		"a_b.c":                 "a-b-c",
		"-x-":                   "x",
		"ünï":                   "n",
		strings.Repeat("a", 70): strings.Repeat("a", 64),
	} {
		if got := instanceID(in); got != want {
			t.Errorf("instanceID(%q) = %q, want %q", in, got, want)
		}
	}
}
