// Package testnet makes the network namespaces tests run VMs in: a "pod"
// namespace whose eth0 is a veth to a "peer" namespace, as CNI would make
// it, and counts what ukrun may leave in the pod.
package testnet

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// T is what a Pod needs from its user: *testing.T, or the bench's stand-in.
type T interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Pod is a pod namespace and its peer.
type Pod struct {
	t          T
	Name, Peer string
	PodIP      string // 10.<net>.<n>.2 on the pod's eth0
	PeerIP     string // 10.<net>.<n>.1, the pod's gateway
}

var seq atomic.Int32

// New makes the namespaces (prefix keeps test binaries apart) and removes
// them when the test ends.
func New(t T, prefix string, net int) *Pod {
	t.Helper()
	n := seq.Add(1)
	p := &Pod{t: t, Name: fmt.Sprintf("%s-pod-%d", prefix, n), Peer: fmt.Sprintf("%s-peer-%d", prefix, n),
		PodIP: fmt.Sprintf("10.%d.%d.2", net, n), PeerIP: fmt.Sprintf("10.%d.%d.1", net, n)}
	p.del()
	veth := fmt.Sprintf("%sv%d", prefix, n)
	for _, args := range [][]string{
		{"netns", "add", p.Name}, {"netns", "add", p.Peer},
		{"link", "add", veth, "netns", p.Name, "type", "veth", "peer", "name", "peer0", "netns", p.Peer},
		{"-n", p.Name, "link", "set", veth, "name", "eth0"},
		{"-n", p.Name, "addr", "add", p.PodIP + "/24", "dev", "eth0"},
		{"-n", p.Name, "link", "set", "eth0", "up"},
		{"-n", p.Name, "link", "set", "lo", "up"},
		{"-n", p.Name, "route", "add", "default", "via", p.PeerIP},
		{"-n", p.Peer, "addr", "add", p.PeerIP + "/24", "dev", "peer0"},
		{"-n", p.Peer, "link", "set", "peer0", "up"},
		{"-n", p.Peer, "link", "set", "lo", "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}
	t.Cleanup(p.del)
	return p
}

func (p *Pod) del() {
	exec.Command("ip", "netns", "del", p.Name).Run()
	exec.Command("ip", "netns", "del", p.Peer).Run()
}

// Path is the pod namespace's path, for a spec or ctr --with-ns.
func (p *Pod) Path() string { return filepath.Join("/var/run/netns", p.Name) }

// InPeer runs a command in the peer namespace.
func (p *Pod) InPeer(args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", p.Peer}, args...)...)
}

// Objects counts TAP devices, lines of filters at ukrun's priority and
// ingress qdiscs in the pod namespace.
func (p *Pod) Objects() (taps, filters, ingress int) {
	out, _ := exec.Command("ip", "-n", p.Name, "-o", "link", "show", "type", "tun").Output()
	taps = len(lines(string(out)))
	out, _ = exec.Command("tc", "-n", p.Name, "filter", "show", "dev", "eth0", "ingress").Output()
	for _, l := range lines(string(out)) {
		if strings.Contains(l, "pref 49374") {
			filters++
		}
	}
	out, _ = exec.Command("tc", "-n", p.Name, "qdisc", "show", "dev", "eth0").Output()
	return taps, filters, strings.Count(string(out), "qdisc ingress")
}

// AssertClean fails unless the pod holds no ukrun object and exactly
// wantIngress ingress qdiscs (the foreign ones).
func (p *Pod) AssertClean(wantIngress int) {
	p.t.Helper()
	var taps, filters, ingress int
	for i := 0; i < 50; i++ {
		if taps, filters, ingress = p.Objects(); taps == 0 && filters == 0 && ingress == wantIngress {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("pod netns %s: %d taps, %d ukrun filter lines, %d ingress qdiscs (want 0, 0, %d)", p.Name, taps, filters, ingress, wantIngress)
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}
