package integration

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The peer reaches a TCP server in the guest on the pod IP, and the guest
// reaches the peer; afterwards nothing of ukrun's is left in the pod.
func TestGuestNetworkBothWays(t *testing.T) {
	e := newEnv(t)
	p := newPod(t)

	// Guest -> peer.
	peerServer(t, p, 9090)
	r := e.ukrun("", "run", "--bundle", netBundle(t, p, []string{"connect=" + p.PeerIP + ":9090", "exit=0"}), "out")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "hello from ") {
		t.Fatalf("guest to peer: %+v", r)
	}
	p.AssertClean(0)

	// Peer -> guest, on the pod IP.
	b := netBundle(t, p, []string{"listen=8080"})
	out := filepath.Join(t.TempDir(), "out")
	e.createWithOutput(b, "in", out)
	pid := e.state("in").Pid
	e.must("start", "in")
	waitFileContains(t, out, "listening\n", 60*time.Second)
	got, err := p.InPeer(filepath.Join(binDir, "testapp"), "connect="+p.PodIP+":8080").CombinedOutput()
	if err != nil || string(got) != "hello from vm\n" {
		t.Fatalf("peer to guest: %q, %v", got, err)
	}
	e.must("kill", "in", "KILL")
	waitExit(t, pid, 30*time.Second)
	p.AssertClean(0) // the monitor cleaned up when the VMM died
	e.must("delete", "in")
	p.AssertClean(0)
}

// vmmPid returns the recorded VMM pid of a container.
func (e *env) vmmPid(id string) int {
	e.t.Helper()
	var st struct {
		VMM struct {
			Pid int `json:"pid"`
		} `json:"vmm"`
	}
	readJSON(e.t, filepath.Join(e.root, id, "state.json"), &st)
	return st.VMM.Pid
}

func kill9(t *testing.T, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("refusing to kill pid %d", pid)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %d: %v", pid, err)
	}
}
