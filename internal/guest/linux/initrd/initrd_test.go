package initrd

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cavaliergopher/cpio"

	"github.com/ukrun/ukrun/internal/guest/proto"
)

func TestBaseAndWrite(t *testing.T) {
	dir := t.TempDir()
	ukinit := filepath.Join(dir, "ukinit")
	mod := filepath.Join(dir, "virtio.ko")
	os.WriteFile(ukinit, []byte("INIT"), 0o755)
	os.WriteFile(mod, []byte("MOD"), 0o644)
	rootfs := filepath.Join(dir, "rootfs")
	os.MkdirAll(filepath.Join(rootfs, "bin"), 0o755)
	os.WriteFile(filepath.Join(rootfs, "bin", "app"), []byte("APP"), 0o755)
	os.Symlink("app", filepath.Join(rootfs, "bin", "link"))

	cache := filepath.Join(dir, "cache")
	base, mods, err := Base(cache, ukinit, []string{mod})
	if err != nil {
		t.Fatal(err)
	}
	if again, _, _ := Base(cache, ukinit, []string{mod}); again != base {
		t.Errorf("second Base built %s, want cached %s", again, base)
	}
	if len(mods) != 1 || mods[0] != ModuleDir+"/00-virtio.ko" {
		t.Fatalf("module paths %v", mods)
	}
	out := filepath.Join(dir, "initrd.cpio")
	app := &proto.App{Args: []string{"/bin/app"}, Modules: mods}
	hosts := filepath.Join(dir, "hosts")
	os.WriteFile(hosts, []byte("10.0.0.1 pod\n"), 0o644)
	if err := Write(out, base, app, rootfs, []Bind{{Source: hosts, Dest: "/etc/hosts"}, {Source: filepath.Join(rootfs, "bin"), Dest: "/mnt/vol"}}); err != nil {
		t.Fatal(err)
	}
	got := readArchives(t, out)
	for name, want := range map[string]string{
		"init": "INIT", "ukrun/modules/00-virtio.ko": "MOD", "rootfs/bin/app": "APP", "rootfs/bin/link": "app",
		"ukrun/binds/0": "10.0.0.1 pod\n", "ukrun/binds/1/app": "APP",
	} {
		if got[name] != want {
			t.Errorf("%s = %q, want %q", name, got[name], want)
		}
	}
	var back proto.App
	if err := json.Unmarshal([]byte(got["ukrun/app.json"]), &back); err != nil || back.Args[0] != "/bin/app" {
		t.Errorf("app.json %q: %v", got["ukrun/app.json"], err)
	}
	for _, d := range []string{"ukrun", "ukrun/modules", "rootfs", "rootfs/bin"} {
		if _, ok := got[d]; !ok {
			t.Errorf("directory %s missing", d)
		}
	}
}

// readArchives reads concatenated cpio archives as the kernel does,
// skipping the padding between them.
func readArchives(t *testing.T, path string) map[string]string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for {
		i := bytes.Index(data, []byte("070701"))
		if i < 0 {
			return files
		}
		data = data[i:]
		r := cpio.NewReader(bytes.NewReader(data))
		for {
			h, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(r)
			switch {
			case h.Mode.IsDir():
				files[h.Name] = ""
			case h.Linkname != "":
				files[h.Name] = h.Linkname
			default:
				files[h.Name] = string(b)
			}
		}
		end := bytes.Index(data, []byte("TRAILER!!!"))
		data = data[end+len("TRAILER!!!"):]
	}
}

// The binds are copied aside and listed in app.json for ukinit to mount,
// with a shared (9p) rootfs as with a copied one.
func TestWriteListsBinds(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.cpio")
	os.WriteFile(base, nil, 0o600)
	hosts, vol := filepath.Join(dir, "hosts"), filepath.Join(dir, "vol")
	os.WriteFile(hosts, []byte("10.0.0.1 pod\n"), 0o644)
	os.MkdirAll(vol, 0o755)
	os.WriteFile(filepath.Join(vol, "data"), []byte("DATA"), 0o644)
	out := filepath.Join(dir, "initrd.cpio")
	app := &proto.App{Args: []string{"/bin/app"}, RootTag: "rootfs"}
	if err := Write(out, base, app, "", []Bind{{Source: hosts, Dest: "/etc/hosts", RO: true}, {Source: vol, Dest: "/vol"}}); err != nil {
		t.Fatal(err)
	}
	if app.Binds != nil {
		t.Errorf("Write changed its argument: %+v", app.Binds)
	}
	got := readArchives(t, out)
	for name, want := range map[string]string{"ukrun/binds/0": "10.0.0.1 pod\n", "ukrun/binds/1/data": "DATA"} {
		if got[name] != want {
			t.Errorf("%s = %q, want %q", name, got[name], want)
		}
	}
	for name := range got {
		if strings.HasPrefix(name, "rootfs/") {
			t.Errorf("%s in the initrd of a shared rootfs", name)
		}
	}
	var back proto.App
	json.Unmarshal([]byte(got["ukrun/app.json"]), &back)
	want := []proto.Bind{{From: "/ukrun/binds/0", To: "/etc/hosts", RO: true}, {From: "/ukrun/binds/1", To: "/vol"}}
	if !reflect.DeepEqual(back.Binds, want) {
		t.Errorf("app.json binds %+v, want %+v", back.Binds, want)
	}
}

// A file whose content outgrows its stat size (procfs reports 0) is an
// error, not a truncated copy.
func TestWriteRefusesFileLargerThanItsSize(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.cpio")
	os.WriteFile(base, nil, 0o600)
	err := Write(filepath.Join(dir, "initrd.cpio"), base, &proto.App{}, "", []Bind{{Source: "/proc/self/status", Dest: "/status"}})
	if err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("Write = %v", err)
	}
}

// Each new ukinit adds a base; the cache keeps the newest keepBases.
func TestBaseCacheIsBounded(t *testing.T) {
	dir := t.TempDir()
	ukinit, cache := filepath.Join(dir, "ukinit"), filepath.Join(dir, "cache")
	var last string
	for i := 0; i < keepBases+3; i++ {
		// A new build: other content, and a distinct identity for the memo.
		os.Remove(ukinit)
		os.WriteFile(ukinit, []byte(strings.Repeat("I", i+1)), 0o755)
		base, _, err := Base(cache, ukinit, nil)
		if err != nil {
			t.Fatal(err)
		}
		last = base
	}
	bases, _ := filepath.Glob(filepath.Join(cache, "base-*.cpio"))
	if len(bases) != keepBases {
		t.Fatalf("cache holds %d bases, want %d", len(bases), keepBases)
	}
	if _, err := os.Stat(last); err != nil {
		t.Fatalf("the newest base was pruned: %v", err)
	}
}
