package teardown

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ukrun/ukrun/internal/record"
)

func TestAllReverseToleratesGoneAndReportsAll(t *testing.T) {
	dir := t.TempDir()
	outer := filepath.Join(dir, "outer")
	inner := filepath.Join(outer, "inner")
	os.MkdirAll(inner, 0o755)
	full := filepath.Join(dir, "full")
	os.MkdirAll(filepath.Join(full, "child"), 0o755)
	err := All([]record.Resource{
		{Kind: record.KindDir, Path: full},                                                                 // not empty: reported
		{Kind: record.KindDir, Path: outer},                                                                // removable only after inner
		{Kind: record.KindDir, Path: inner},                                                                // undone first
		{Kind: record.KindFile, Path: filepath.Join(dir, "gone")},                                          // already gone: fine
		{Kind: record.KindTap, Net: &record.NetObject{Netns: filepath.Join(dir, "no-netns"), Link: "uk0"}}, // netns gone: fine
	})
	if _, serr := os.Stat(outer); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("outer dir still there")
	}
	if err == nil || !strings.Contains(err.Error(), "full") {
		t.Errorf("error %v, want the failure on full reported", err)
	}
	if strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("error %v, want exactly one failure", err)
	}
}

func TestNetworkSkipsFiles(t *testing.T) {
	f := filepath.Join(t.TempDir(), "keep")
	os.WriteFile(f, nil, 0o600)
	if err := Network([]record.Resource{{Kind: record.KindFile, Path: f}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f); err != nil {
		t.Fatalf("Network removed a file: %v", err)
	}
}
