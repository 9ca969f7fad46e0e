package kernel

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const fakeDep = `kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio_pci_modern_dev.ko:
kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/char/virtio_console.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/char/hw_random/virtio-rng.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/net/core/failover.ko:
kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/fs/overlayfs/overlay.ko.xz:
kernel/fs/needs_missing.ko: kernel/fs/ghost.ko
kernel/fs/needs_builtin.ko: kernel/fs/ext4/ext4.ko
kernel/a.ko: kernel/b.ko
kernel/b.ko: kernel/a.ko
`

const fakeBuiltin = `kernel/fs/ext4/ext4.ko
kernel/drivers/block/virtio_blk.ko
`

func TestModules(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("modules.dep", fakeDep)
	write("modules.builtin", fakeBuiltin)
	v := "kernel/drivers/virtio/"
	tests := []struct {
		name    string
		names   []string
		want    []string // relative to dir
		wantErr string
	}{
		{"leaf", []string{"virtio_ring"}, []string{v + "virtio_ring.ko"}, ""},
		{"pci order", []string{"virtio_pci"}, []string{v + "virtio_ring.ko", v + "virtio.ko", v + "virtio_pci_modern_dev.ko", v + "virtio_pci_legacy_dev.ko", v + "virtio_pci.ko"}, ""},
		{"dedup", []string{"virtio_pci", "virtio_console", "virtio"}, []string{v + "virtio_ring.ko", v + "virtio.ko", v + "virtio_pci_modern_dev.ko", v + "virtio_pci_legacy_dev.ko", v + "virtio_pci.ko", "kernel/drivers/char/virtio_console.ko"}, ""},
		{"dash underscore", []string{"virtio_rng", "virtio-ring"}, []string{v + "virtio_ring.ko", v + "virtio.ko", "kernel/drivers/char/hw_random/virtio-rng.ko"}, ""},
		{"net", []string{"virtio_net.ko"}, []string{v + "virtio_ring.ko", v + "virtio.ko", "kernel/net/core/failover.ko", "kernel/drivers/net/net_failover.ko", "kernel/drivers/net/virtio_net.ko"}, ""},
		{"builtin", []string{"virtio_blk", "ext4"}, nil, ""},
		{"builtin dep", []string{"needs_builtin"}, []string{"kernel/fs/needs_builtin.ko"}, ""},
		{"none", nil, nil, ""},
		{"unknown", []string{"nosuchmod"}, nil, `unknown module "nosuchmod"`},
		{"unknown dep", []string{"needs_missing"}, nil, `unknown module "ghost" (needed by needs_missing)`},
		{"compressed", []string{"overlay"}, nil, "compressed module kernel/fs/overlayfs/overlay.ko.xz"},
		{"cycle", []string{"a"}, nil, "dependency cycle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Modules(dir, tt.names...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), dir) {
					t.Fatalf("err = %v, want containing %q and %q", err, tt.wantErr, dir)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, filepath.Join(dir, w))
			}
			if !slices.Equal(got, want) {
				t.Errorf("Modules(%v)\n got %v\nwant %v", tt.names, got, want)
			}
		})
	}
}

func TestModulesMissingDep(t *testing.T) {
	if _, err := Modules(t.TempDir(), "virtio"); err == nil || !strings.Contains(err.Error(), "modules.dep") {
		t.Fatalf("err = %v, want modules.dep error", err)
	}
}

func TestModuleDir(t *testing.T) {
	if got := ModuleDir("6.1.0-56-amd64"); got != "/lib/modules/6.1.0-56-amd64" {
		t.Errorf("ModuleDir = %q", got)
	}
}

func TestModulesReal(t *testing.T) {
	_, ver, err := Newest("/boot")
	if err != nil {
		t.Skipf("no host kernel: %v", err)
	}
	dir := ModuleDir(ver)
	if _, err := os.Stat(filepath.Join(dir, "modules.dep")); err != nil {
		t.Skipf("no modules for %s: %v", ver, err)
	}
	got, err := Modules(dir, "virtio_pci", "virtio_console", "virtio_net", "virtio_blk")
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for i, p := range got {
		if !filepath.IsAbs(p) {
			t.Errorf("path %s not absolute", p)
		}
		if _, err := os.Stat(p); err != nil {
			t.Errorf("module file: %v", err)
		}
		n := moduleName(p)
		if _, dup := idx[n]; dup {
			t.Errorf("module %s listed twice", n)
		}
		idx[n] = i
	}
	for _, n := range []string{"virtio_ring", "virtio", "virtio_pci", "virtio_console", "virtio_net"} {
		if _, ok := idx[n]; !ok {
			t.Errorf("missing %s in %v", n, got)
		}
	}
	if len(got) == 0 || moduleName(got[0]) != "virtio_ring" {
		t.Errorf("first module = %v, want virtio_ring", got)
	}
	before := func(a, b string) {
		if idx[a] >= idx[b] {
			t.Errorf("%s (at %d) not before %s (at %d)", a, idx[a], b, idx[b])
		}
	}
	before("virtio_ring", "virtio")
	before("virtio", "virtio_pci")
	before("virtio_pci", "virtio_console")
	before("virtio", "virtio_net")
	for _, p := range got {
		t.Log(p)
	}
}
