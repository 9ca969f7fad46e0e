package backends

import (
	"strings"
	"testing"

	"github.com/ukrun/ukrun/internal/guest/compat"
)

func TestRegistry(t *testing.T) {
	want := []struct{ name, binary, key string }{
		{"qemu", "qemu-system-x86_64", "qemu"},
		{"firecracker", "firecracker", "firecracker"},
		{"cloud-hypervisor", "cloud-hypervisor", "cloud_hypervisor"},
		{"hvt", "solo5-hvt", "solo5_hvt"},
		{"spt", "solo5-spt", "solo5_spt"},
	}
	if got := strings.Join(Names(), " "); got != "qemu firecracker cloud-hypervisor hvt spt" {
		t.Fatalf("Names() = %s", got)
	}
	// Annotations are validated against compat's list: the same VMMs.
	if got, want := strings.Join(Names(), " "), strings.Join(compat.VMMs, " "); got != want {
		t.Fatalf("backends %s, compat.VMMs %s", got, want)
	}
	for _, w := range want {
		b, err := Get(w.name)
		if err != nil {
			t.Fatal(err)
		}
		if b.Name() != w.name || b.Binary() != w.binary || b.ConfigKey() != w.key {
			t.Errorf("%s: %s %s %s", w.name, b.Name(), b.Binary(), b.ConfigKey())
		}
	}
	if _, err := Get("xen"); err == nil || !strings.Contains(err.Error(), "known: qemu, firecracker") {
		t.Errorf("Get(xen): %v", err)
	}
}
