package container

import (
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestPlanNamespaces(t *testing.T) {
	ns := func(types ...specs.LinuxNamespaceType) *specs.Spec {
		s := &specs.Spec{Linux: &specs.Linux{}}
		for _, t := range types {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: t})
		}
		return s
	}
	p, err := planNamespaces(ns(specs.PIDNamespace, specs.NetworkNamespace, specs.IPCNamespace, specs.UTSNamespace, specs.MountNamespace))
	if err != nil {
		t.Fatal(err)
	}
	want := []specs.LinuxNamespaceType{specs.NetworkNamespace, specs.IPCNamespace, specs.UTSNamespace}
	if p.clone != unix.CLONE_NEWPID || !slices.Equal(p.make, want) || len(p.join) != 0 || p.netns != "" {
		t.Errorf("new namespaces: clone %#x, make %v, join %v, netns %q", p.clone, p.make, p.join, p.netns)
	}

	s := ns(specs.PIDNamespace, specs.IPCNamespace)
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.NetworkNamespace, Path: "/var/run/netns/pod"})
	if p, err = planNamespaces(s); err != nil {
		t.Fatal(err)
	}
	if len(p.join) != 1 || p.netns != "/var/run/netns/pod" || !slices.Equal(p.make, []specs.LinuxNamespaceType{specs.IPCNamespace}) {
		t.Errorf("netns by path: join %v, netns %q, make %v", p.join, p.netns, p.make)
	}

	for _, tc := range []struct {
		spec *specs.Spec
		want string
	}{
		{ns(specs.NetworkNamespace, specs.IPCNamespace, specs.NetworkNamespace), "listed twice"},
		{ns(specs.NetworkNamespace, specs.UserNamespace), "user namespaces"},
		{ns(specs.PIDNamespace), "network namespace of its own"},
		{&specs.Spec{}, "network namespace of its own"},
	} {
		if _, err := planNamespaces(tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("planNamespaces(%v): %v, want %q", tc.spec.Linux, err, tc.want)
		}
	}
}
