package linux

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ukrun/ukrun/internal/guest/linux/initrd"
	"github.com/ukrun/ukrun/internal/guest/proto"
	"github.com/ukrun/ukrun/internal/vmm"
	"github.com/ukrun/ukrun/internal/vmm/qemu"
)

func TestCmdline(t *testing.T) {
	for _, tc := range []struct {
		m     qemu.Machine
		extra string
		want  string
	}{
		{qemu.PC, "", "console=ttyS0 quiet reboot=t panic=-1 rdinit=/init"},
		{qemu.PC, "  debug ", "console=ttyS0 quiet reboot=t panic=-1 rdinit=/init debug"},
		{qemu.MicroVM, "", "console=ttyS0 quiet reboot=t panic=-1 rdinit=/init acpi=off"},
	} {
		// A KVM guest keeps its own clock: no TSC frequency is passed.
		if got := Cmdline(tc.m, vmm.KVM, 2596148, tc.extra); got != tc.want {
			t.Errorf("Cmdline(%s, %q) = %q, want %q", tc.m, tc.extra, got, tc.want)
		}
	}
}

func TestCmdlineTCG(t *testing.T) {
	if got, want := Cmdline(qemu.MicroVM, vmm.TCG, 0, ""), "console=ttyS0 quiet reboot=t panic=-1 rdinit=/init acpi=off noapictimer noreplace-smp no_timer_check"; got != want {
		t.Errorf("Cmdline under TCG = %q, want %q", got, want)
	}
	if got, want := Cmdline(qemu.PC, vmm.TCG, 2596148, "x"), "console=ttyS0 quiet reboot=t panic=-1 rdinit=/init noapictimer noreplace-smp no_timer_check tsc_early_khz=2596148 x"; got != want {
		t.Errorf("Cmdline under TCG with the TSC known = %q, want %q", got, want)
	}
}

func TestConsoleCmdline(t *testing.T) {
	if got, want := consoleCmdline(" a=\"x  y\" ", "panic=-1", "reboot=k", "pci=off"), `console=ttyS0 loglevel=1 rdinit=/init panic=-1 reboot=k pci=off a="x  y"`; got != want {
		t.Errorf("consoleCmdline = %q, want %q", got, want)
	}
	if got, want := consoleCmdline("", "panic=0", "ukrun_poweroff=1"), "console=ttyS0 loglevel=1 rdinit=/init panic=0 ukrun_poweroff=1"; got != want {
		t.Errorf("consoleCmdline = %q, want %q", got, want)
	}
}

func TestApp(t *testing.T) {
	s := &specs.Spec{Hostname: "h", Process: &specs.Process{
		Args: []string{"/app", "-x"}, Env: []string{"A=1"}, Cwd: "/srv", Terminal: true,
		User: specs.User{UID: 1000, GID: 100, AdditionalGids: []uint32{5, 6}},
	}}
	want := &proto.App{Args: []string{"/app", "-x"}, Env: []string{"A=1"}, Cwd: "/srv", UID: 1000, GID: 100,
		Groups: []uint32{5, 6}, Hostname: "h", Terminal: true}
	if got := App(s); !reflect.DeepEqual(got, want) {
		t.Fatalf("App = %+v, want %+v", got, want)
	}
}

func TestBinds(t *testing.T) {
	s := &specs.Spec{Mounts: []specs.Mount{
		{Destination: "/etc/hosts", Type: "bind", Source: "/h/hosts"},
		{Destination: "/etc/resolv.conf", Source: "/h/resolv", Options: []string{"rbind", "ro"}},
		{Destination: "/proc", Type: "proc", Source: "proc"},
		{Destination: "/dev/shm", Type: "bind", Source: "/h/shm"},
		{Destination: "/dev/termination-log", Source: "/h/log", Options: []string{"bind"}},
		{Destination: "/data/../vol", Type: "bind", Source: "/h/vol", Options: []string{"ro", "rw"}},
		{Destination: "/cfg", Type: "bind", Source: "/h/cfg", Options: []string{"rro"}},
		{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs"},
	}}
	want := []initrd.Bind{{Source: "/h/hosts", Dest: "/etc/hosts"}, {Source: "/h/resolv", Dest: "/etc/resolv.conf", RO: true}, {Source: "/h/vol", Dest: "/vol"}, {Source: "/h/cfg", Dest: "/cfg", RO: true}}
	if got := Binds(s); !reflect.DeepEqual(got, want) {
		t.Fatalf("Binds = %+v, want %+v", got, want)
	}
}

// A read-only 9p rootfs must hold each bind's mount point, except one
// inside an earlier bind (made in that bind's copy); a symlink is followed
// inside the rootfs.
func TestMountPointsExist(t *testing.T) {
	rootfs := t.TempDir()
	for _, d := range []string{"etc", "proc", "sys", "dev"} {
		os.MkdirAll(filepath.Join(rootfs, d), 0o755)
	}
	os.MkdirAll(filepath.Join(rootfs, "data"), 0o755)
	os.WriteFile(filepath.Join(rootfs, "etc", "hosts"), nil, 0o644)
	os.Symlink("/data", filepath.Join(rootfs, "vol"))
	ok := []initrd.Bind{{Dest: "/etc/hosts"}, {Dest: "/vol"}, {Dest: "/vol/sub/key"}}
	if err := mountPointsExist(rootfs, ok); err != nil {
		t.Fatal(err)
	}
	missing := []initrd.Bind{{Dest: "/etc/hosts"}, {Dest: "/etc/resolv.conf"}}
	if err := mountPointsExist(rootfs, missing); err == nil || !strings.Contains(err.Error(), "bind mount /etc/resolv.conf: the read-only 9p rootfs has no mount point") {
		t.Fatalf("missing mount point: %v", err)
	}
	os.Remove(filepath.Join(rootfs, "sys"))
	if err := mountPointsExist(rootfs, nil); err == nil || !strings.Contains(err.Error(), "mount /sys: the read-only 9p rootfs has no mount point") {
		t.Fatalf("missing /sys: %v", err)
	}
}

func TestKconfigOf(t *testing.T) {
	dir := t.TempDir()
	own := filepath.Join(dir, "vmlinux")
	os.WriteFile(filepath.Join(dir, "config"), []byte("# CONFIG_X is not set\nCONFIG_VIRTIO_MMIO=y\nCONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y\n"), 0o644)
	if m := kconfigOf(own, "vmlinux"); m["CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES"] != "y" || len(m) != 1 {
		t.Errorf("own kernel's config: %v", m)
	}
	// /boot's config-<version> wins, even when it lacks the option.
	boot := filepath.Join(dir, "vmlinuz-6.1.0-1-amd64")
	os.WriteFile(filepath.Join(dir, "config-6.1.0-1-amd64"), []byte("CONFIG_VIRTIO_MMIO=m\n"), 0o644)
	if m := kconfigOf(boot, "6.1.0-1-amd64"); len(m) != 0 {
		t.Errorf("config-<version>: %v", m)
	}
}

// Optional modules join the set with their dependencies, each once; one
// the kernel lacks is left out, not an error.
func TestWithOptional(t *testing.T) {
	dir := t.TempDir()
	dep := "kernel/virtio.ko:\nkernel/virtio_net.ko: kernel/virtio.ko\nkernel/rng-core.ko:\nkernel/virtio-rng.ko: kernel/virtio.ko kernel/rng-core.ko\n"
	os.WriteFile(filepath.Join(dir, "modules.dep"), []byte(dep), 0o644)
	os.WriteFile(filepath.Join(dir, "modules.builtin"), nil, 0o644)
	have := []string{filepath.Join(dir, "kernel/virtio.ko"), filepath.Join(dir, "kernel/virtio_net.ko")}
	got := withOptional(dir, have, "virtio_rng", "not_there")
	want := append(have, filepath.Join(dir, "kernel/rng-core.ko"), filepath.Join(dir, "kernel/virtio-rng.ko"))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("withOptional = %v, want %v", got, want)
	}
}
