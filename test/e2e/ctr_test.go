package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ukrun/ukrun/test/testnet"
)

// image packs testapp (annotations in urunc.json when given), imports it
// and returns its name.
func image(t *testing.T, name string, annotations ...string) string {
	t.Helper()
	archive := filepath.Join(t.TempDir(), "image.tar")
	var args []string
	for _, a := range annotations {
		args = append(args, "--annotation", a)
	}
	packTestapp(t, name, archive, args...)
	if out, err := ctr("images", "import", archive); err != nil {
		t.Fatalf("import: %v: %s", err, out)
	}
	return name
}

var (
	plainOnce sync.Once
	plain     string
)

// plainImage is testapp without annotations: a VM only when asked.
func plainImage(t *testing.T) string {
	plainOnce.Do(func() { plain = image(t, "ukrun.test/testapp:plain") })
	return plain
}

const vm = "dev.ukrun.guest=linux"

// Run to completion: output and exit code come back through containerd.
func TestCtrRunToCompletion(t *testing.T) {
	out, err := ctr("run", "--rm", "--runtime", "io.containerd.ukrun.v2", "--annotation", vm,
		plainImage(t), "done", "/bin/testapp", "out=through containerd", "exit=3")
	if exitCode(err) != 3 || out != "through containerd\n" {
		t.Fatalf("ctr run: exit %d, output %q", exitCode(err), out)
	}
	assertNothingLeft(t, "done")
}

// The plain runc shim with BinaryName=ukrun runs VMs too.
func TestRuncShimWithUkrunBinary(t *testing.T) {
	out, err := ctr("run", "--rm", "--runc-binary", filepath.Join(binDir, "ukrun"), "--annotation", vm,
		plainImage(t), "viarunc", "/bin/testapp", "out=via the runc shim", "exit=0")
	if err != nil || out != "via the runc shim\n" {
		t.Fatalf("ctr run: %v, output %q", err, out)
	}
	assertNothingLeft(t, "viarunc")
}

// Detached run, kill TERM (the app traps it), delete.
func TestCtrDetachedKillTermDelete(t *testing.T) {
	if out, err := ctr("run", "-d", "--runtime", "io.containerd.ukrun.v2", "--annotation", vm,
		plainImage(t), "det", "/bin/testapp", "trap", "sleep=600"); err != nil {
		t.Fatalf("ctr run -d: %v: %s", err, out)
	}
	waitTask(t, "det", "RUNNING")
	time.Sleep(4 * time.Second) // let the guest boot and the app trap TERM
	if out, err := ctr("task", "kill", "det"); err != nil {
		t.Fatalf("task kill: %v: %s", err, out)
	}
	waitTask(t, "det", "STOPPED")
	if out, _ := ctr("task", "ls"); !strings.Contains(out, "det") {
		t.Fatalf("task ls: %s", out)
	}
	mustCtr(t, "task", "delete", "det")
	mustCtr(t, "container", "delete", "det")
	assertNothingLeft(t, "det")
}

// A packed image carries its annotations: ctr run --rm needs no flag.
func TestCtrRunPackedImage(t *testing.T) {
	img := image(t, "ukrun.test/testapp:vm", vm, "dev.ukrun.memory=192")
	out, err := ctr("run", "--rm", "--runtime", "io.containerd.ukrun.v2", img, "packed", "/bin/testapp", "out=packed", "exit=0")
	if err != nil || out != "packed\n" {
		t.Fatalf("ctr run: %v, output %q", err, out)
	}
	assertNothingLeft(t, "packed")
	mustCtr(t, "images", "rm", img)
}

func mustCtr(t *testing.T, args ...string) string {
	t.Helper()
	out, err := ctr(args...)
	if err != nil {
		t.Fatalf("ctr %v: %v: %s", args, err, out)
	}
	return out
}

// waitTask polls `ctr task ls` until id has status.
func waitTask(t *testing.T, id, status string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, _ := ctr("task", "ls")
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) == 3 && f[0] == id && f[2] == status {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s never %s: %s", id, status, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// VMM kill -9, then ctr task delete: nothing is left, in the pod netns
// either.
func TestCtrVMMKill9ThenTaskDelete(t *testing.T) {
	p := testnet.New(t, "uke", 98)
	if out, err := ctr("run", "-d", "--runtime", "io.containerd.ukrun.v2", "--annotation", vm,
		"--with-ns", "network:"+p.Path(), plainImage(t), "k9", "/bin/testapp", "sleep=600"); err != nil {
		t.Fatalf("ctr run -d: %v: %s", err, out)
	}
	waitTask(t, "k9", "RUNNING")
	if taps, _, _ := p.Objects(); taps != 1 {
		t.Fatalf("%d taps in the pod, want 1", taps)
	}
	pid := vmmPid(t, "k9")
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitTask(t, "k9", "STOPPED")
	mustCtr(t, "task", "delete", "k9")
	mustCtr(t, "container", "delete", "k9")
	p.AssertClean(0)
	assertNothingLeft(t, "k9")
}

// After containerd restarts, a running VM task is still listed as running
// and can be stopped.
func TestContainerdRestart(t *testing.T) {
	if out, err := ctr("run", "-d", "--runtime", "io.containerd.ukrun.v2", "--annotation", vm,
		plainImage(t), "restart", "/bin/testapp", "sleep=600"); err != nil {
		t.Fatalf("ctr run -d: %v: %s", err, out)
	}
	waitTask(t, "restart", "RUNNING")
	stopContainerd()
	if err := startContainerd(); err != nil {
		t.Fatal(err)
	}
	waitTask(t, "restart", "RUNNING")
	mustCtr(t, "task", "kill", "-s", "KILL", "restart")
	waitTask(t, "restart", "STOPPED")
	mustCtr(t, "task", "delete", "restart")
	mustCtr(t, "container", "delete", "restart")
	assertNothingLeft(t, "restart")
}

// vmmPid reads the VMM pid ukrun recorded for id.
func vmmPid(t *testing.T, id string) int {
	t.Helper()
	var st struct {
		VMM struct{ Pid int } `json:"vmm"`
	}
	b, err := os.ReadFile(filepath.Join(runtimeRoot(), id, "state.json"))
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil || st.VMM.Pid <= 0 {
		t.Fatalf("vmm pid of %s: %v", id, err)
	}
	return st.VMM.Pid
}
