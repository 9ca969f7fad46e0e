package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The field's failure scenarios: whatever dies how, afterwards the pod
// holds no TAP, no ukrun filter and no ingress qdisc ukrun added, and no
// process or state dir remains.
func TestTeardownScenarios(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, e *env, id string, monitor, vmm int)
	}{
		{"vmm kill -9, then ukrun kill, then delete", func(t *testing.T, e *env, id string, monitor, vmm int) {
			kill9(t, vmm)
			waitExit(t, monitor, 30*time.Second)
			if r := e.ukrun("", "kill", id, "KILL"); r.code == 0 || !strings.Contains(r.stderr, "container not running") {
				t.Errorf("kill after VMM death: %+v", r)
			}
			e.must("delete", id)
		}},
		{"vmm kill -9, then delete only", func(t *testing.T, e *env, id string, monitor, vmm int) {
			kill9(t, vmm)
			waitExit(t, monitor, 30*time.Second)
			e.must("delete", id)
		}},
		{"monitor kill -9, then delete --force", func(t *testing.T, e *env, id string, monitor, vmm int) {
			kill9(t, monitor)
			waitExit(t, monitor, 30*time.Second)
			e.must("delete", "--force", id)
		}},
		{"both dead, then delete --force twice", func(t *testing.T, e *env, id string, monitor, vmm int) {
			kill9(t, monitor)
			kill9(t, vmm)
			waitExit(t, monitor, 30*time.Second)
			e.must("delete", "--force", id)
			e.must("delete", "--force", id)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			p := newPod(t)
			e.must("create", "--bundle", netBundle(t, p, []string{"sleep=600"}), "sc")
			monitor, vmm := e.state("sc").Pid, e.vmmPid("sc")
			e.must("start", "sc")
			tc.run(t, e, "sc", monitor, vmm)
			p.AssertClean(0)
		})
	}
}

// A create that fails after the TAP exists rolls everything back, and the
// next create in the same pod works.
func TestCreateFailingAfterTapRollsBack(t *testing.T) {
	e := newEnv(t)
	p := newPod(t)
	b := netBundle(t, p, []string{"exit=0"})
	s := readSpec(t, b)
	s.Annotations["dev.ukrun.kernel"] = "/bin/testapp" // not a kernel: fails after the network is made
	writeSpec(t, b, s)
	if r := e.ukrun("", "create", "--bundle", b, "fail"); r.code == 0 || !strings.Contains(r.stderr, "kernel") {
		t.Fatalf("create with a bad kernel: %+v", r)
	}
	p.AssertClean(0)
	if r := e.ukrun("", "run", "--bundle", netBundle(t, p, []string{"out=ok", "exit=0"}), "fail"); r.code != 0 || r.stdout != "ok\n" {
		t.Fatalf("run after failed create: %+v", r)
	}
	p.AssertClean(0)
}

// The host's network namespace is refused; a namespace without a pod
// interface gives a guest without a NIC.
func TestNetnsEdgeCases(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"exit=0"}, nil)
	s := readSpec(t, b)
	s.Linux.Namespaces[1].Path = "/proc/1/ns/net"
	writeSpec(t, b, s)
	if r := e.ukrun("", "create", "--bundle", b, "host"); r.code == 0 || !strings.Contains(r.stderr, "host") {
		t.Fatalf("create in the host netns: %+v", r)
	}
	s.Linux.Namespaces = s.Linux.Namespaces[:1] // pid only: the host's network
	writeSpec(t, b, s)
	if r := e.ukrun("", "create", "--bundle", b, "host"); r.code == 0 || !strings.Contains(r.stderr, "network namespace") {
		t.Fatalf("create without a netns: %+v", r)
	}

	bare := "ukt-bare"
	exec.Command("ip", "netns", "del", bare).Run()
	if out, err := exec.Command("ip", "netns", "add", bare).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	defer exec.Command("ip", "netns", "del", bare).Run()
	b = bundle(t, []string{"out=no nic", "exit=0"}, nil)
	s = readSpec(t, b)
	s.Linux.Namespaces[1].Path = "/var/run/netns/" + bare
	writeSpec(t, b, s)
	log := filepath.Join(t.TempDir(), "log")
	r := e.ukrun("", "--log", log, "run", "--bundle", b, "bare")
	if r.code != 0 || r.stdout != "no nic\n" {
		t.Fatalf("run without a pod interface: %+v", r)
	}
	if got, _ := os.ReadFile(log); !strings.Contains(string(got), "no pod interface") {
		t.Errorf("log does not say the guest has no NIC: %s", got)
	}
}
