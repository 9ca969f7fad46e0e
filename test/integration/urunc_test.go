package integration

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// A bundle made for urunc runs unchanged: its com.urunc.unikernel.* keys as
// annotations, or base64 in urunc.json at the rootfs root. When ukrun's own
// kernel is built the image carries it as its binary, as urunc images do.
func TestURuncLinuxBundle(t *testing.T) {
	for _, where := range []string{"annotations", "urunc.json"} {
		t.Run(where, func(t *testing.T) {
			e := newEnv(t)
			b := bundle(t, []string{"out=urunc style", "exit=4"}, nil)
			s := readSpec(t, b)
			delete(s.Annotations, "dev.ukrun.guest")
			keys := map[string]string{
				"com.urunc.unikernel.unikernelType": "linux",
				"com.urunc.unikernel.hypervisor":    "qemu",
			}
			if _, err := os.Stat(ownKernelPath); err == nil {
				os.MkdirAll(filepath.Join(b, "rootfs", "boot"), 0o755)
				copyFile(t, ownKernelPath, filepath.Join(b, "rootfs", "boot", "vmlinux"))
				keys["com.urunc.unikernel.binary"] = "/boot/vmlinux"
			}
			if where == "annotations" {
				for k, v := range keys {
					s.Annotations[k] = v
				}
			} else {
				enc := map[string]string{}
				for k, v := range keys {
					enc[k] = base64.StdEncoding.EncodeToString([]byte(v))
				}
				j, _ := json.Marshal(enc)
				if err := os.WriteFile(filepath.Join(b, "rootfs", "urunc.json"), j, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			writeSpec(t, b, s)
			r := e.ukrun("", "run", "--bundle", b, "urunc")
			if r.code != 4 || r.stdout != "urunc style\n" {
				t.Fatalf("run: %+v", r)
			}
		})
	}
}
