package config

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, text, wantErr string
		check               func(Config) bool
	}{
		{name: "empty gives defaults", text: "", check: func(c Config) bool { return c == Default() }},
		{name: "values", text: "qemu = \"/opt/qemu\"\nmemory_mib = 512\nvcpus = 2\naccel = \"tcg\"\n",
			check: func(c Config) bool {
				return c.QEMU == "/opt/qemu" && c.MemoryMiB == 512 && c.VCPUs == 2 && c.Accel == "tcg"
			}},
		{name: "syntax error names the line", text: "qemu = \"x\"\nvcpus = = 2\n", wantErr: "line 2"},
		{name: "unknown key", text: "qemu_path = \"x\"\n", wantErr: "unknown key qemu_path"},
		{name: "bad accel", text: "accel = \"hvf\"\n", wantErr: "accel \"hvf\""},
		{name: "tiny memory", text: "memory_mib = 1\n", wantErr: "memory_mib 1"},
		{name: "zero vcpus", text: "vcpus = 0\n", wantErr: "vcpus 0"},
		{name: "relative kernel", text: "kernel = \"vmlinuz\"\n", wantErr: "kernel \"vmlinuz\""},
		{name: "wrong type", text: "vcpus = \"two\"\n", wantErr: "vcpus"},
		{name: "VMM binaries and logs", text: "firecracker = \"/opt/fc\"\ncloud_hypervisor = \"/opt/ch\"\nsolo5_hvt = \"/opt/hvt\"\nsolo5_spt = \"/opt/spt\"\nlog = \"/var/log/ukrun.log\"\nlog_format = \"json\"\ndebug = true\n",
			check: func(c Config) bool {
				return c.Binary("firecracker") == "/opt/fc" && c.Binary("cloud_hypervisor") == "/opt/ch" &&
					c.Binary("solo5_hvt") == "/opt/hvt" && c.Binary("solo5_spt") == "/opt/spt" &&
					c.Binary("qemu") == "qemu-system-x86_64" && c.Log == "/var/log/ukrun.log" && c.LogFormat == "json" && c.Debug
			}},
		{name: "bad log format", text: "log_format = \"xml\"\n", wantErr: "log_format \"xml\""},
		{name: "relative log", text: "log = \"ukrun.log\"\n", wantErr: "log \"ukrun.log\""},
		{name: "error on line 3", text: "qemu = \"x\"\n\nfirecracker = [\n", wantErr: "line 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("test.toml", tc.text)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !tc.check(c) {
				t.Fatalf("Parse = %+v, %v", c, err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("qemu = \"/usr/bin/qemu\"\nvcpus = 2\n")
	f.Add("[x]\ny = 1")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := Parse("fuzz.toml", text)
		if err == nil && (c.VCPUs < 1 || c.MemoryMiB < 16) {
			t.Fatalf("accepted invalid config %+v", c)
		}
	})
}
