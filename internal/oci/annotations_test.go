package oci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ukrun/ukrun/internal/guest/compat"
)

func TestParseVM(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "boot"), 0o755)
	os.WriteFile(filepath.Join(root, "boot", "kernel"), []byte("k"), 0o644)
	os.Symlink("/etc/passwd", filepath.Join(root, "boot", "abs-link"))
	for _, tc := range []struct {
		name    string
		a       map[string]string
		want    VM
		wantErr string
	}{
		{name: "defaults", a: map[string]string{KeyGuest: "linux"},
			want: VM{Guest: "linux", VMM: "qemu", Rootfs: "initrd", Seccomp: true}},
		{name: "all set", a: map[string]string{KeyGuest: "linux", KeyVMM: "qemu", KeyKernel: "/boot/kernel",
			KeyCmdline: "debug", KeyMemory: "512", KeyVCPUs: "2"},
			want: VM{Guest: "linux", VMM: "qemu", Rootfs: "initrd", Kernel: filepath.Join(root, "boot/kernel"),
				Cmdline: "debug", MemoryMiB: 512, VCPUs: 2, Seccomp: true}},
		{name: "relative kernel path", a: map[string]string{KeyGuest: "linux", KeyKernel: "boot/kernel"},
			want: VM{Guest: "linux", VMM: "qemu", Rootfs: "initrd", Kernel: filepath.Join(root, "boot/kernel"), Seccomp: true}},
		{name: "symlink stays inside", a: map[string]string{KeyGuest: "linux", KeyKernel: "/boot/abs-link"},
			want: VM{Guest: "linux", VMM: "qemu", Rootfs: "initrd", Kernel: filepath.Join(root, "etc/passwd"), Seccomp: true}},
		{name: "unknown guest", a: map[string]string{KeyGuest: "windows"}, wantErr: `dev.ukrun.guest: unsupported guest "windows"`},
		{name: "unknown vmm", a: map[string]string{KeyGuest: "linux", KeyVMM: "bhyve"}, wantErr: "dev.ukrun.vmm"},
		{name: "unknown rootfs mode", a: map[string]string{KeyGuest: "linux", KeyRootfs: "nfs"}, wantErr: "dev.ukrun.rootfs"},
		{name: "escaping kernel", a: map[string]string{KeyGuest: "linux", KeyKernel: "../../etc/shadow"}, wantErr: "escapes the rootfs"},
		{name: "escaping after descent", a: map[string]string{KeyGuest: "linux", KeyKernel: "boot/../../x"}, wantErr: "escapes the rootfs"},
		{name: "empty kernel", a: map[string]string{KeyGuest: "linux", KeyKernel: ""}, wantErr: "escapes the rootfs"},
		{name: "memory not a number", a: map[string]string{KeyGuest: "linux", KeyMemory: "1G"}, wantErr: "dev.ukrun.memory"},
		{name: "memory too small", a: map[string]string{KeyGuest: "linux", KeyMemory: "1"}, wantErr: "dev.ukrun.memory"},
		{name: "zero vcpus", a: map[string]string{KeyGuest: "linux", KeyVCPUs: "0"}, wantErr: "dev.ukrun.vcpus"},
		{name: "newline in cmdline", a: map[string]string{KeyGuest: "linux", KeyCmdline: "a\nb"}, wantErr: "dev.ukrun.cmdline"},
		{name: "linux takes no block image", a: map[string]string{KeyGuest: "linux", KeyBlock: "/disk"}, wantErr: "dev.ukrun.block"},
		{name: "unikraft on firecracker with initrd", a: map[string]string{KeyGuest: "unikraft", KeyVMM: "firecracker",
			KeyKernel: "/boot/kernel", KeyInitrd: "/boot/kernel", KeyVersion: "0.15.0", KeySeccomp: "false"},
			want: VM{Guest: "unikraft", VMM: "firecracker", Rootfs: "initrd", Kernel: filepath.Join(root, "boot/kernel"),
				Initrd: filepath.Join(root, "boot/kernel"), Version: "0.15.0"}},
		{name: "rumprun block", a: map[string]string{KeyGuest: "rumprun", KeyVMM: "hvt", KeyKernel: "/boot/kernel",
			KeyBlock: "/boot/kernel", KeyBlockAt: "/data"},
			want: VM{Guest: "rumprun", VMM: "hvt", Rootfs: "block", Kernel: filepath.Join(root, "boot/kernel"),
				Block: filepath.Join(root, "boot/kernel"), BlockAt: "/data", Seccomp: true}},
		{name: "unikernel without binary", a: map[string]string{KeyGuest: "mirage", KeyVMM: "spt"}, wantErr: "dev.ukrun.kernel"},
		{name: "refused pair", a: map[string]string{KeyGuest: "linux", KeyVMM: "hvt"}, wantErr: "guest linux cannot run on VMM hvt"},
		{name: "refused storage on one VMM", a: map[string]string{KeyGuest: "linux", KeyVMM: "firecracker", KeyRootfs: "9p"}, wantErr: "guest linux on firecracker cannot use rootfs mode 9p"},
		{name: "refused storage", a: map[string]string{KeyGuest: "mewz", KeyKernel: "/boot/kernel", KeyRootfs: "block"}, wantErr: "cannot use rootfs mode block"},
		{name: "block mode without image", a: map[string]string{KeyGuest: "rumprun", KeyVMM: "hvt", KeyKernel: "/boot/kernel", KeyRootfs: "block"}, wantErr: "go together"},
		{name: "relative block mount", a: map[string]string{KeyGuest: "rumprun", KeyVMM: "hvt", KeyKernel: "/boot/kernel", KeyBlock: "/boot/kernel", KeyBlockAt: "data"}, wantErr: KeyBlockAt},
		{name: "devmapper block refused", a: map[string]string{KeyGuest: "linux", KeyDMBlock: "true"}, wantErr: "useDMBlock"},
		{name: "devmapper block off", a: map[string]string{KeyGuest: "linux", KeyDMBlock: "false"},
			want: VM{Guest: "linux", VMM: "qemu", Rootfs: "initrd", Seccomp: true}},
		{name: "seccomp not a bool", a: map[string]string{KeyGuest: "linux", KeySeccomp: "maybe"}, wantErr: KeySeccomp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vm, err := ParseVM(tc.a, root)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || *vm != tc.want {
				t.Fatalf("ParseVM = %+v, %v; want %+v", vm, err, tc.want)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	mem, quota, period := int64(512<<20), int64(150000), uint64(100000)
	s := &specs.Spec{Linux: &specs.Linux{Resources: &specs.LinuxResources{
		Memory: &specs.LinuxMemory{Limit: &mem},
		CPU:    &specs.LinuxCPU{Quota: &quota, Period: &period},
	}}}
	if m, c := Limits(s); m != 512 || c != 2 {
		t.Fatalf("Limits = %d MiB, %d vCPUs; want 512, 2", m, c)
	}
	if m, c := Limits(&specs.Spec{}); m != 0 || c != 0 {
		t.Fatalf("Limits of empty spec = %d, %d", m, c)
	}
}

func FuzzParseVM(f *testing.F) {
	root := f.TempDir()
	f.Add("linux", "qemu", "/boot/k", "256", "1", "", "", "")
	f.Add("linux", "", "../x", "x", "-1", "9p", "", "")
	f.Add("rumprun", "hvt", "/k", "64", "1", "block", "/disk", "/data")
	f.Add("unikraft", "firecracker", "/k", "", "", "initrd", "", "")
	f.Fuzz(func(t *testing.T, guest, vmm, kernel, mem, vcpus, rootfs, block, blockAt string) {
		a := map[string]string{KeyGuest: guest, KeyVMM: vmm, KeyKernel: kernel, KeyMemory: mem, KeyVCPUs: vcpus}
		for k, v := range map[string]string{KeyRootfs: rootfs, KeyBlock: block, KeyBlockAt: blockAt} {
			if v != "" {
				a[k] = v
			}
		}
		vm, err := ParseVM(a, root)
		if err != nil {
			return
		}
		for _, p := range []string{vm.Kernel, vm.Block} {
			if p != "" && !strings.HasPrefix(p, root) {
				t.Fatalf("path %q outside rootfs %q", p, root)
			}
		}
		if vm.MemoryMiB < 0 || vm.VCPUs < 0 {
			t.Fatalf("negative sizes: %+v", vm)
		}
		if err := compat.Check(vm.Guest, vm.VMM, vm.Rootfs); err != nil {
			t.Fatalf("accepted a refused combination: %v", err)
		}
	})
}
