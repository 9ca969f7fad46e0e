package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// A bundle without dev.ukrun.guest runs under runc with the same argv; later
// commands for the id go to runc as well, and delete removes everything.
func TestNonVMBundleRunsUnderRunc(t *testing.T) {
	e := newEnv(t)
	b := runcBundle(t, []string{"/bin/testapp", "out=from runc", "cat", "exit=4"})
	r := e.ukrun("piped\n", "run", "--bundle", b, "plain")
	if r.code != 4 || r.stdout != "from runc\npiped\n" {
		t.Fatalf("run: %+v", r)
	}

	b = runcBundle(t, []string{"/bin/testapp", "sleep=600"})
	// The monitor create forks early on the guess of a VM is gone while
	// runc runs the container.
	run := ukrunCmd(e.root, "run", "--bundle", b, "plain1")
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; e.ukrun("", "state", "plain1").code != 0; i++ {
		if i == 600 {
			t.Fatal("ukrun run made no container")
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.waitStatus("plain1", specs.StateRunning, 30*time.Second)
	for _, p := range processesMentioning(e.root) {
		if strings.Contains(p, "ukrun-monitor") {
			t.Errorf("monitor left by a runc run: %s", p)
		}
	}
	e.must("kill", "plain1", "KILL")
	run.Wait()
	e.must("delete", "--force", "plain1")

	e.must("create", "--bundle", b, "plain2")
	if s := e.state("plain2"); s.Status != specs.StateCreated {
		t.Fatalf("state after create: %+v", s)
	}
	// Later commands use the runc recorded at create, not today's config.
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, []byte("runc = \"/nonexistent/runc\"\n"), 0o644)
	e.must("--config", cfg, "start", "plain2")
	if s := e.state("plain2"); s.Status != specs.StateRunning {
		t.Fatalf("state after start: %+v", s)
	}
	var pids []int
	if err := json.Unmarshal([]byte(e.must("ps", "--format", "json", "plain2").stdout), &pids); err != nil || len(pids) != 1 {
		t.Fatalf("ps: %v %v", pids, err)
	}
	e.must("--config", cfg, "kill", "plain2", "KILL")
	e.must("--config", cfg, "delete", "--force", "plain2")
	e.must("delete", "--force", "plain2")
	if r := e.ukrun("", "--config", cfg, "run", "--bundle", b, "plain3"); r.code == 0 || !strings.Contains(r.stderr, "/nonexistent/runc") {
		t.Fatalf("create with a missing runc: %+v", r)
	}
}

// runcBundle makes a bundle from `runc spec` whose rootfs holds testapp.
func runcBundle(t *testing.T, args []string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "rootfs", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(binDir, "testapp"), filepath.Join(dir, "rootfs", "bin", "testapp"))
	cmd := exec.Command("runc", "spec")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("runc spec: %v: %s", err, out)
	}
	s := readSpec(t, dir)
	s.Process.Args, s.Process.Terminal = args, false
	writeSpec(t, dir, s)
	return dir
}
