package compat

import (
	"os"
	"strings"
	"testing"
)

// The docs show the table the code enforces.
func TestDocsTable(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/guests.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := Markdown(); !strings.Contains(string(doc), want) {
		t.Fatalf("docs/guests.md lacks the compatibility table; want:\n%s", want)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct{ guest, vmm, rootfs, wantErr string }{
		{"linux", "qemu", "9p", ""},
		{"linux", "cloud-hypervisor", "9p", "cannot use rootfs mode 9p"},
		{"mirage", "qemu", "block", "cannot use rootfs mode block"},
		{"mirage", "spt", "block", ""},
		{"rumprun", "qemu", "none", "cannot run on VMM qemu"},
		{"plan9", "qemu", "none", `unsupported guest "plan9"`},
	} {
		err := Check(tc.guest, tc.vmm, tc.rootfs)
		if (tc.wantErr == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("Check(%s, %s, %s) = %v, want %q", tc.guest, tc.vmm, tc.rootfs, err, tc.wantErr)
		}
	}
}
