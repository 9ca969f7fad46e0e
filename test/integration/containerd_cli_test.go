package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// pause really stops the VM and resume lets it go on; update records
// memory and cpu and refuses the rest; exec is refused; kill --all after
// the exit answers 0 - the calls containerd makes.
func TestCallsContainerdMakes(t *testing.T) {
	e := newEnv(t)
	out := filepath.Join(t.TempDir(), "out")
	e.createWithOutput(bundle(t, []string{"out=go", "tick=100000"}, nil), "cd", out)
	pid := e.state("cd").Pid
	e.must("start", "cd")
	waitFileContains(t, out, "\n2\n", 60*time.Second)

	e.must("pause", "cd")
	if s := e.state("cd").Status; s != specs.ContainerState("paused") {
		t.Fatalf("status after pause: %s", s)
	}
	time.Sleep(300 * time.Millisecond) // a line already on its way may land
	before := fileSize(t, out)
	time.Sleep(time.Second)
	if after := fileSize(t, out); after != before {
		t.Fatalf("paused VM wrote %d bytes", after-before)
	}
	if r := e.ukrun("", "pause", "cd"); r.code == 0 {
		t.Errorf("pause of a paused container succeeded")
	}
	e.must("resume", "cd")
	deadline := time.Now().Add(10 * time.Second)
	for fileSize(t, out) == before && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if fileSize(t, out) == before {
		t.Fatalf("resumed VM wrote nothing")
	}

	if r := e.ukrun(`{"memory":{"limit":536870912},"cpu":{"quota":50000,"period":100000}}`, "update", "--resources", "-", "cd"); r.code != 0 {
		t.Fatalf("update memory/cpu: %+v", r)
	}
	if r := e.ukrun(`{"pids":{"limit":10}}`, "update", "--resources=-", "cd"); r.code == 0 || !strings.Contains(r.stderr, "pids") {
		t.Fatalf("update pids: %+v", r)
	}
	if r := e.ukrun("", "exec", "--process", "/dev/null", "--detach", "cd"); r.code == 0 || !strings.Contains(r.stderr, "not supported for VM containers") {
		t.Fatalf("exec: %+v", r)
	}

	e.must("kill", "--all", "cd", "9")
	waitExit(t, pid, 30*time.Second)
	e.must("kill", "--all", "cd", "9") // again, after the exit: 0
	if r := e.ukrun("", "kill", "cd", "9"); r.code == 0 || !strings.Contains(r.stderr, "container not running") {
		t.Fatalf("kill after exit: %+v", r)
	}
	e.must("delete", "cd")
	e.must("delete", "--force", "cd")
}

func fileSize(t *testing.T, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}
