package integration

import (
	"math/rand"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const crashRounds = 200

// A pod whose VM container crash-loops: create, start, the VMM is killed
// (or the guest exits), delete, again. Nothing accumulates, and a foreign
// ingress qdisc and filter on the pod interface survive untouched.
func TestCrashLoop(t *testing.T) {
	e := newEnv(t)
	p := newPod(t)
	tc := func(args ...string) string {
		out, err := exec.Command("tc", append([]string{"-n", p.Name}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tc %v: %v: %s", args, err, out)
		}
		return string(out)
	}
	tc("qdisc", "add", "dev", "eth0", "ingress")
	tc("filter", "add", "dev", "eth0", "ingress", "pref", "100", "protocol", "ip", "u32",
		"match", "ip", "dst", p.PeerIP+"/32", "classid", "ffff:1")
	foreign := tc("filter", "show", "dev", "eth0", "ingress", "pref", "100")

	b := netBundle(t, p, []string{"exit=0"})
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < crashRounds; i++ {
		e.must("create", "--bundle", b, "loop")
		monitor, vmm := e.state("loop").Pid, e.vmmPid("loop")
		e.must("start", "loop")
		switch {
		case i%50 == 49: // the guest runs its app to the end
			if code := waitExit(t, monitor, 60*time.Second); code != 0 {
				t.Fatalf("round %d: exit code %d", i, code)
			}
		case i%2 == 0:
			time.Sleep(time.Duration(rng.Intn(200)) * time.Millisecond)
			kill9(t, vmm)
			waitExit(t, monitor, 30*time.Second)
		default: // delete races the monitor's own cleanup
			kill9(t, vmm)
		}
		e.must("delete", "--force", "loop")
		reapZombies()
		if taps, filters, _ := p.Objects(); taps != 0 || filters != 0 {
			t.Fatalf("round %d: %d taps and %d ukrun filters left", i, taps, filters)
		}
	}
	p.AssertClean(1) // the foreign ingress qdisc stays
	if got := tc("filter", "show", "dev", "eth0", "ingress", "pref", "100"); got != foreign || !strings.Contains(got, "ffff:1") {
		t.Fatalf("foreign filter changed:\n%s\nwas:\n%s", got, foreign)
	}
}
