package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// gc lists, and with --apply removes, what containers that no longer exist
// left in a pod: here both processes are killed (nobody cleans up), and
// once the state is gone too.
func TestGC(t *testing.T) {
	e := newEnv(t)
	p := newPod(t)
	for _, dropState := range []bool{false, true} {
		e.must("create", "--bundle", netBundle(t, p, []string{"sleep=600"}), "gc")
		monitor, vmm := e.state("gc").Pid, e.vmmPid("gc")
		e.must("start", "gc")
		kill9(t, monitor)
		kill9(t, vmm)
		waitExit(t, monitor, 30*time.Second)
		if _, filters, _ := p.Objects(); filters == 0 {
			t.Fatalf("nothing left to collect: the test proves nothing")
		}
		if dropState {
			os.RemoveAll(filepath.Join(e.root, "gc"))
		}
		r := e.must("gc")
		if !strings.Contains(r.stdout, "stale "+p.Path()+": redirect on eth0") {
			t.Fatalf("gc (dropState %v) listed %q", dropState, r.stdout)
		}
		if _, filters, _ := p.Objects(); filters == 0 {
			t.Fatalf("gc without --apply removed something")
		}
		if r := e.must("gc", "--apply"); !strings.Contains(r.stdout, "removed ") {
			t.Fatalf("gc --apply: %q", r.stdout)
		}
		if !dropState {
			if r := e.must("gc"); strings.Contains(r.stdout, "stale") {
				t.Fatalf("gc after --apply still lists %q", r.stdout)
			}
			e.must("delete", "gc")
		}
		// The ingress qdisc is ukrun's only where a record says so.
		want := 0
		if dropState {
			want = 1
		}
		p.AssertClean(want)
	}
}
