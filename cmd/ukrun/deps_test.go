package main

import (
	"os/exec"
	"strings"
	"testing"
)

// containerd runs ukrun at every step of a container's life, and each
// package's init runs at every call: image packing (image-spec, go-digest
// and its regexps) stays in ukrun-pack.
func TestNoImageLibraries(t *testing.T) {
	goBin, err := exec.LookPath("go") // go test puts its own first in PATH
	if err != nil {
		t.Skip("no go command to list the dependencies")
	}
	out, err := exec.Command(goBin, "list", "-tags", "urfave_cli_no_docs", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/opencontainers/image-spec") || strings.HasPrefix(p, "github.com/opencontainers/go-digest") {
			t.Errorf("ukrun links %s", p)
		}
	}
}
