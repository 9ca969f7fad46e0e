package integration

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pod is a test "pod" network namespace with a veth to a "peer" namespace,
// as CNI would make it: the pod side is eth0 with a default route.
type pod struct {
	t          *testing.T
	name, peer string
	podIP      string // 10.99.N.2
	peerIP     string // 10.99.N.1
}

var podSeq int

// newPod makes the namespaces and removes them when the test ends.
func newPod(t *testing.T) *pod {
	t.Helper()
	podSeq++
	n := podSeq
	p := &pod{t: t, name: fmt.Sprintf("ukt-pod-%d", n), peer: fmt.Sprintf("ukt-peer-%d", n),
		podIP: fmt.Sprintf("10.99.%d.2", n), peerIP: fmt.Sprintf("10.99.%d.1", n)}
	ip(t, "netns", "del", p.name)
	ip(t, "netns", "del", p.peer)
	for _, args := range [][]string{
		{"netns", "add", p.name}, {"netns", "add", p.peer},
		{"link", "add", "ukt-veth", "netns", p.name, "type", "veth", "peer", "name", "peer0", "netns", p.peer},
		{"-n", p.name, "link", "set", "ukt-veth", "name", "eth0"},
		{"-n", p.name, "addr", "add", p.podIP + "/24", "dev", "eth0"},
		{"-n", p.name, "link", "set", "eth0", "up"},
		{"-n", p.name, "link", "set", "lo", "up"},
		{"-n", p.name, "route", "add", "default", "via", p.peerIP},
		{"-n", p.peer, "addr", "add", p.peerIP + "/24", "dev", "peer0"},
		{"-n", p.peer, "link", "set", "peer0", "up"},
		{"-n", p.peer, "link", "set", "lo", "up"},
	} {
		if out, err := ipOut(args...); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}
	t.Cleanup(func() {
		ip(t, "netns", "del", p.name)
		ip(t, "netns", "del", p.peer)
	})
	return p
}

// path is the pod namespace's path, for the spec.
func (p *pod) path() string { return filepath.Join("/var/run/netns", p.name) }

func ip(t *testing.T, args ...string) string {
	out, _ := ipOut(args...)
	return out
}

func ipOut(args ...string) (string, error) {
	out, err := exec.Command("ip", args...).CombinedOutput()
	return string(out), err
}

// inPeer runs a command in the peer namespace.
func (p *pod) inPeer(args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", p.peer}, args...)...)
}

// ukrunObjects counts what ukrun may have left in the pod namespace: TAP
// devices, filters at ukrun's priority, and ingress qdiscs.
func (p *pod) ukrunObjects() (taps, filters, ingress int) {
	taps = len(nonEmptyLines(ip(p.t, "-n", p.name, "-o", "link", "show", "type", "tun")))
	out, _ := exec.Command("tc", "-n", p.name, "filter", "show", "dev", "eth0", "ingress").CombinedOutput()
	for _, l := range nonEmptyLines(string(out)) {
		if strings.Contains(l, "pref 49374") {
			filters++
		}
	}
	q, _ := exec.Command("tc", "-n", p.name, "qdisc", "show", "dev", "eth0").CombinedOutput()
	ingress = strings.Count(string(q), "qdisc ingress")
	return taps, filters, ingress
}

// assertClean fails unless the pod namespace holds no ukrun object and
// exactly wantIngress ingress qdiscs (the foreign ones).
func (p *pod) assertClean(wantIngress int) {
	p.t.Helper()
	var taps, filters, ingress int
	for i := 0; i < 50; i++ {
		if taps, filters, ingress = p.ukrunObjects(); taps == 0 && filters == 0 && ingress == wantIngress {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("pod netns %s: %d taps, %d ukrun filters, %d ingress qdiscs (want 0, 0, %d)", p.name, taps, filters, ingress, wantIngress)
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// netBundle is a VM bundle that joins the pod's network namespace.
func netBundle(t *testing.T, p *pod, args []string) string {
	b := bundle(t, args, nil)
	s := readSpec(t, b)
	for i, ns := range s.Linux.Namespaces {
		if ns.Type == "network" {
			s.Linux.Namespaces[i].Path = p.path()
		}
	}
	writeSpec(t, b, s)
	return b
}
