package oci

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestEffective(t *testing.T) {
	root := t.TempDir()
	file, _ := EncodeURunc(map[string]string{
		URuncPrefix + "unikernelType": "linux",
		URuncPrefix + "cmdline":       "from-file",
		KeyMemory:                     "128",
		URuncPrefix + "hypervisor":    "qemu",
	})
	os.WriteFile(filepath.Join(root, URuncFile), file, 0o644)
	got, err := Effective(map[string]string{
		URuncPrefix + "cmdline": "from-spec-urunc",
		KeyVCPUs:                "2",
		"other":                 "x",
	}, root)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		KeyGuest: "linux", KeyVMM: "qemu", KeyCmdline: "from-spec-urunc", KeyMemory: "128", KeyVCPUs: "2",
		URuncPrefix + "cmdline": "from-spec-urunc", "other": "x",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Effective =\n%v\nwant\n%v", got, want)
	}
	// ukrun's own key wins over urunc's in the same place.
	got, _ = Effective(map[string]string{KeyGuest: "linux", URuncPrefix + "unikernelType": "unikraft"}, "")
	if got[KeyGuest] != "linux" {
		t.Fatalf("guest %q, want linux", got[KeyGuest])
	}
	// An image may not turn the VMM's seccomp filter off; the spec may.
	file, _ = EncodeURunc(map[string]string{KeySeccomp: "false"})
	os.WriteFile(filepath.Join(root, URuncFile), file, 0o644)
	if _, err := Effective(nil, root); err == nil || !strings.Contains(err.Error(), KeySeccomp) {
		t.Fatalf("urunc.json turning seccomp off: %v", err)
	}
	os.Remove(filepath.Join(root, URuncFile))
	if got, err := Effective(map[string]string{KeySeccomp: "false"}, root); err != nil || got[KeySeccomp] != "false" {
		t.Fatalf("spec turning seccomp off: %v, %v", got, err)
	}
}

func TestParseURuncErrors(t *testing.T) {
	for _, bad := range []string{`[]`, `{"k": "not base64!"}`, `{"k": 1}`} {
		if _, err := ParseURunc([]byte(bad)); err == nil {
			t.Errorf("ParseURunc(%s) accepted", bad)
		}
	}
}

func FuzzParseURunc(f *testing.F) {
	f.Add([]byte(`{"com.urunc.unikernel.binary":"L2tlcm5lbA=="}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseURunc(b)
		if err != nil {
			return
		}
		enc, err := EncodeURunc(a)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseURunc(enc)
		if err != nil || !reflect.DeepEqual(a, back) {
			t.Fatalf("round trip: %v %v", back, err)
		}
	})
}
