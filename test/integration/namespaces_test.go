package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// nsOf is the namespace inode link of a process, e.g. "net:[4026532281]".
func nsOf(t *testing.T, pid int, kind string) string {
	t.Helper()
	l, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "ns", kind))
	if err != nil {
		t.Fatalf("namespace %s of pid %d: %v", kind, pid, err)
	}
	return l
}

// The VMM lives in the container's namespaces: new ones of its own, or the
// ones the spec names by path; the monitor (the container's pid) is in
// them too.
func TestVMMInContainerNamespaces(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"sleep=600"}, nil)
	e.must("create", "--bundle", b, "ns1")
	mon, vmm := e.state("ns1").Pid, e.vmmPid("ns1")
	self := os.Getpid()
	for _, kind := range []string{"net", "ipc", "uts", "pid"} {
		v := nsOf(t, vmm, kind)
		if v == nsOf(t, self, kind) {
			t.Errorf("VMM shares the host's %s namespace %s", kind, v)
		}
		if m := nsOf(t, mon, kind); m != v {
			t.Errorf("%s namespace: monitor %s, VMM %s", kind, m, v)
		}
	}
	// The monitor's GOMAXPROCS is its own, not the VMM's.
	if env, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(vmm), "environ")); err != nil || strings.Contains(string(env), "GOMAXPROCS") {
		t.Errorf("VMM environment %q (%v)", env, err)
	}
	e.must("delete", "--force", "ns1")

	bare := "ukt-nsjoin"
	exec.Command("ip", "netns", "del", bare).Run()
	if out, err := exec.Command("ip", "netns", "add", bare).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	defer exec.Command("ip", "netns", "del", bare).Run()
	s := readSpec(t, b)
	for i, ns := range s.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace {
			s.Linux.Namespaces[i].Path = "/var/run/netns/" + bare
		}
	}
	writeSpec(t, b, s)
	e.must("create", "--bundle", b, "ns2")
	vmm = e.vmmPid("ns2")
	want, err := os.Stat("/var/run/netns/" + bare)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.Stat(filepath.Join("/proc", strconv.Itoa(vmm), "ns", "net"))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(want, got) {
		t.Errorf("VMM's network namespace is not the one the spec names")
	}
	if v := nsOf(t, vmm, "ipc"); v == nsOf(t, self, "ipc") {
		t.Errorf("VMM shares the host's ipc namespace %s", v)
	}
	pid := e.state("ns2").Pid
	e.must("delete", "--force", "ns2")
	waitExit(t, pid, 30*time.Second)
}

// A spec that shares the host's PID namespace, or names one by path, gets
// a monitor forked in it, not the one create forks early into a new one;
// the early one is stopped (the test's leak check sees no stray monitor).
func TestVMMInSpecPIDNamespace(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"sleep=600"}, nil)
	s := readSpec(t, b)
	var rest []specs.LinuxNamespace
	for _, ns := range s.Linux.Namespaces {
		if ns.Type != specs.PIDNamespace {
			rest = append(rest, ns)
		}
	}
	s.Linux.Namespaces = rest
	writeSpec(t, b, s)
	e.must("create", "--bundle", b, "pid1")
	self := nsOf(t, os.Getpid(), "pid")
	for _, p := range []int{e.state("pid1").Pid, e.vmmPid("pid1")} {
		if got := nsOf(t, p, "pid"); got != self {
			t.Errorf("pid %d is in PID namespace %s, not the host's %s", p, got, self)
		}
	}
	e.must("delete", "--force", "pid1")

	// A process in a PID namespace of its own: pid 1 there.
	holder := exec.Command("unshare", "--pid", "--fork", "--kill-child", "sleep", "600")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Wait()
	defer holder.Process.Kill() // and so its child, pid 1 there, which ends the namespace
	init := childOf(t, holder.Process.Pid)
	path := filepath.Join("/proc", strconv.Itoa(init), "ns", "pid")
	s.Linux.Namespaces = append(rest, specs.LinuxNamespace{Type: specs.PIDNamespace, Path: path})
	writeSpec(t, b, s)
	e.must("create", "--bundle", b, "pid2")
	want := nsOf(t, init, "pid")
	for _, p := range []int{e.state("pid2").Pid, e.vmmPid("pid2")} {
		if got := nsOf(t, p, "pid"); got != want {
			t.Errorf("pid %d is in PID namespace %s, not the spec's %s", p, got, want)
		}
	}
	e.must("delete", "--force", "pid2")
}

// childOf waits for the first child of pid and returns it.
func childOf(t *testing.T, pid int) int {
	t.Helper()
	for i := 0; i < 100; i++ {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		if f := strings.Fields(string(b)); len(f) > 0 {
			c, _ := strconv.Atoi(f[0])
			return c
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("pid %d has no child", pid)
	return 0
}
