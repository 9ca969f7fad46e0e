package hooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestRunInOrderWithState(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	hook := func(tag string) specs.Hook {
		return specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", "cat >> " + log + "; echo ' " + tag + "' >> " + log}}
	}
	st := &specs.State{Version: specs.Version, ID: "c1", Status: specs.StateCreated, Pid: 42, Bundle: "/b"}
	if err := Run("poststart", []specs.Hook{hook("one"), hook("two")}, st); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(log)
	got := string(b)
	if !strings.Contains(got, `"id":"c1"`) || strings.Index(got, "one") > strings.Index(got, "two") {
		t.Fatalf("hook log %q", got)
	}
}

func TestFailureAndTimeout(t *testing.T) {
	st := &specs.State{ID: "c1"}
	err := Run("prestart", []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "echo nope; exit 3"}}}, st)
	if err == nil || !strings.Contains(err.Error(), "prestart hook #0") || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("failing hook: %v", err)
	}
	one := 1
	err = Run("poststop", []specs.Hook{{Path: "/bin/sleep", Args: []string{"sleep", "10"}, Timeout: &one}}, st)
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("slow hook: %v", err)
	}
}
