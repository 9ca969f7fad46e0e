package integration

import (
	"os/exec"
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
