package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Bad input gets a clear error naming the problem, a non-zero exit, and
// leaves no state dir, process or file behind.
func TestCreateBadInputLeavesNothing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		id      string
		annot   map[string]string
		mutate  func(t *testing.T, bundle string)
		wantErr string
	}{
		{name: "bad memory annotation", id: "bad1", annot: map[string]string{"dev.ukrun.memory": "lots"}, wantErr: "dev.ukrun.memory"},
		{name: "unknown guest", id: "bad2", annot: map[string]string{"dev.ukrun.guest": "plan9"}, wantErr: "dev.ukrun.guest"},
		{name: "kernel escaping the rootfs", id: "bad3", annot: map[string]string{"dev.ukrun.kernel": "../../../boot/vmlinuz"}, wantErr: "escapes the rootfs"},
		{name: "invalid id with slash", id: "a/b", wantErr: "invalid container id"},
		{name: "invalid id dot-dot", id: "..", wantErr: "invalid container id"},
		{name: "missing rootfs", id: "bad4", mutate: func(t *testing.T, b string) { os.RemoveAll(filepath.Join(b, "rootfs")) }, wantErr: "rootfs"},
		{name: "terminal without console socket", id: "bad5", mutate: func(t *testing.T, b string) {
			s := readSpec(t, b)
			s.Process.Terminal = true
			writeSpec(t, b, s)
		}, wantErr: "console-socket"},
		{name: "kernel that is not a kernel", id: "bad6", annot: map[string]string{"dev.ukrun.kernel": "/bin/testapp"}, wantErr: "kernel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			b := bundle(t, []string{"exit=0"}, tc.annot)
			if tc.mutate != nil {
				tc.mutate(t, b)
			}
			before := listFiles(t, b)
			r := e.ukrun("", "create", "--bundle", b, "--pid-file", filepath.Join(b, "init.pid"), tc.id)
			if r.code == 0 {
				t.Fatalf("create succeeded")
			}
			if !strings.Contains(r.stderr, tc.wantErr) {
				t.Errorf("stderr %q does not name %q", r.stderr, tc.wantErr)
			}
			if after := listFiles(t, b); after != before {
				t.Errorf("bundle changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func listFiles(t *testing.T, dir string) string {
	var names []string
	filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			names = append(names, strings.TrimPrefix(p, dir))
		}
		return nil
	})
	return strings.Join(names, " ")
}

// The CLI answers like runc: unknown commands, wrong arguments and bad
// signals are errors; ps, list, features and version print what they should.
func TestCLI(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"pack", "img"}, "ukrun-pack"},
		{[]string{"state"}, "exactly one container id"},
		{[]string{"kill", "x", "SIGNOPE"}, "invalid signal"},
		{[]string{"kill", "x", "0"}, "invalid signal"},
		{[]string{"--log-format", "xml", "list"}, "log-format"},
		{[]string{"state", "nope"}, "does not exist"},
		{[]string{"start", "nope"}, "does not exist"},
	} {
		r := e.ukrun("", tc.args...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.wantErr) {
			t.Errorf("ukrun %v: exit %d stderr %q, want error containing %q", tc.args, r.code, r.stderr, tc.wantErr)
		}
	}
	if r := e.must("features"); !strings.Contains(r.stdout, `"ociVersionMax"`) {
		t.Errorf("features: %s", r.stdout)
	}
	if r := e.must("version"); !strings.Contains(r.stdout, "accel: ") || !strings.Contains(r.stdout, "guest TSC: ") {
		t.Errorf("version: %s", r.stdout)
	}
	if r := e.must("list", "--format", "json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("list: %s", r.stdout)
	}
	// JSON errors in --log, as containerd reads them.
	log := filepath.Join(t.TempDir(), "log.json")
	e.ukrun("", "--log", log, "--log-format", "json", "kill", "nope", "9")
	b, _ := os.ReadFile(log)
	if !strings.Contains(string(b), `"level":"error"`) || !strings.Contains(string(b), `does not exist`) {
		t.Errorf("log.json: %s", b)
	}
}

// QEMU starts while create writes the initrd: a bind mount that cannot be
// copied into it fails create after the VMM is launched, and the monitor
// stops the VMM before create removes the rest.
func TestCreateFailingAfterVMMStartLeavesNothing(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"exit=0"}, nil)
	s := readSpec(t, b)
	// procfs says 0 bytes and gives more: the copy refuses it.
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/status", Type: "bind", Source: "/proc/self/status", Options: []string{"rbind", "ro"}})
	writeSpec(t, b, s)
	log := filepath.Join(t.TempDir(), "log.json")
	r := e.ukrun("", "--debug", "--log", log, "--log-format", "json", "create", "--bundle", b, "late1")
	if r.code == 0 {
		t.Fatal("create succeeded")
	}
	if !strings.Contains(r.stderr, "bind mount /status") {
		t.Errorf("stderr %q does not name the bind mount", r.stderr)
	}
	lines, _ := os.ReadFile(log)
	for _, want := range []string{`"msg":"monitor: VMM launched"`, "create gave up before the boot files were written"} {
		if !strings.Contains(string(lines), want) {
			t.Errorf("log lacks %s:\n%s", want, lines)
		}
	}
}
