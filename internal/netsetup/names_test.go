package netsetup

import (
	"strings"
	"testing"
)

func TestTapName(t *testing.T) {
	a, b := TapName("c1"), TapName("c2")
	if a == b || a != TapName("c1") {
		t.Errorf("TapName: %q, %q, %q", a, b, TapName("c1"))
	}
	long := TapName(strings.Repeat("f", 64))
	for _, n := range []string{a, b, long} {
		if len(n) != 15 || !strings.HasPrefix(n, "uk") {
			t.Errorf("TapName %q: want uk and 13 hex digits, 15 bytes (IFNAMSIZ)", n)
		}
	}
}

func TestOwnerOf(t *testing.T) {
	if id, ok := OwnerOf(Alias("c1")); !ok || id != "c1" {
		t.Errorf("OwnerOf(Alias(c1)) = %q, %v", id, ok)
	}
	for _, alias := range []string{"", "ukrun:", "someone"} {
		if _, ok := OwnerOf(alias); ok {
			t.Errorf("OwnerOf(%q) claims it", alias)
		}
	}
}
