package integration

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ukrun/ukrun/test/testnet"
)

// pod is a test pod namespace with a peer (see testnet).
type pod = testnet.Pod

func newPod(t *testing.T) *pod { return testnet.New(t, "ukt", 99) }

func ip(t *testing.T, args ...string) string {
	out, _ := exec.Command("ip", args...).CombinedOutput()
	return string(out)
}

// netBundle is a VM bundle that joins the pod's network namespace.
func netBundle(t *testing.T, p *pod, args []string) string {
	b := bundle(t, args, nil)
	s := readSpec(t, b)
	for i, ns := range s.Linux.Namespaces {
		if ns.Type == "network" {
			s.Linux.Namespaces[i].Path = p.Path()
		}
	}
	writeSpec(t, b, s)
	return b
}

// peerServer runs testapp's TCP server on port in the pod's peer until the
// test ends.
func peerServer(t *testing.T, p *pod, port int) {
	t.Helper()
	srv := p.InPeer(filepath.Join(binDir, "testapp"), fmt.Sprintf("listen=%d", port))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
}
