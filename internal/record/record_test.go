package record

import "testing"

func TestNetwork(t *testing.T) {
	tap := Resource{Kind: KindTap, Net: &NetObject{Link: "uk1"}}
	filter := Resource{Kind: KindFilter, Net: &NetObject{Link: "eth0"}}
	rs := []Resource{{Kind: KindCgroup, Path: "/sys/fs/cgroup/x"}, tap, {Kind: KindFile, Path: "/run/f"}, filter}
	got := Network(rs)
	if len(got) != 2 || got[0].Net.Link != "uk1" || got[1].Net.Link != "eth0" {
		t.Errorf("Network = %+v", got)
	}
	if Network(nil) != nil {
		t.Error("Network(nil) is not nil")
	}
}
