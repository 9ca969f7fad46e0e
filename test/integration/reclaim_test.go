package integration

import (
	"os/exec"
	"strings"
	"testing"
)

// At create, a stale TAP and redirect of a dead container are reclaimed; a
// live sibling's are never touched.
func TestReclaimStaleNeverLiveSibling(t *testing.T) {
	e := newEnv(t)
	p := newPod(t)
	sh := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v: %s", args, err, out)
		}
	}
	sh("ip", "-n", p.Name, "tuntap", "add", "dev", "ukghost", "mode", "tap")
	sh("ip", "-n", p.Name, "link", "set", "ukghost", "alias", "ukrun:ghost")
	sh("tc", "-n", p.Name, "qdisc", "add", "dev", "eth0", "ingress")
	sh("tc", "-n", p.Name, "filter", "add", "dev", "eth0", "ingress", "pref", "49374", "protocol", "all",
		"u32", "match", "u32", "0", "0", "action", "mirred", "egress", "redirect", "dev", "ukghost")

	if r := e.ukrun("", "run", "--bundle", netBundle(t, p, []string{"out=ok", "exit=0"}), "fresh"); r.code != 0 || r.stdout != "ok\n" {
		t.Fatalf("run over stale objects: %+v", r)
	}
	p.AssertClean(1) // the stale TAP and redirect are gone; the qdisc was not ukrun's to remove

	e.must("create", "--bundle", netBundle(t, p, []string{"sleep=600"}), "alive")
	tap := ip(t, "-n", p.Name, "-o", "link", "show", "type", "tun")
	r := e.ukrun("", "create", "--bundle", netBundle(t, p, []string{"sleep=600"}), "sibling")
	if r.code == 0 || !strings.Contains(r.stderr, "live container alive") {
		t.Fatalf("second VM in the pod: %+v", r)
	}
	if got := ip(t, "-n", p.Name, "-o", "link", "show", "type", "tun"); got != tap || !strings.Contains(got, "ukrun:alive") {
		t.Fatalf("live sibling's tap changed: %q, was %q", got, tap)
	}
	if taps, filters, _ := p.Objects(); taps != 1 || filters == 0 {
		t.Fatalf("live sibling's objects: %d taps, %d filter lines", taps, filters)
	}
	e.must("delete", "--force", "alive")
	p.AssertClean(1)
}
