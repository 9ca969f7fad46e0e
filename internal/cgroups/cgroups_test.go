package cgroups

import "testing"

func TestRelPath(t *testing.T) {
	for in, want := range map[string]string{
		"/kubepods/pod1/c1":               "kubepods/pod1/c1",
		"kubepods/../x":                   "x",
		"system.slice:cri-containerd:abc": "system.slice/cri-containerd-abc.scope",
		":ukrun:c1":                       "system.slice/ukrun-c1.scope",
	} {
		if got, err := relPath(in); err != nil || got != want {
			t.Errorf("relPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"/", "..", "/../"} {
		if _, err := relPath(bad); err == nil {
			t.Errorf("relPath(%q) accepted", bad)
		}
	}
}
