package cachedir

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestPruneKeepsTheNewest(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	for i, name := range []string{"base-a.cpio", "base-b.cpio", "base-c.cpio", "base-d.cpio", "other", ".base-x.cpio.tmp1"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(name), 0o600)
		// a is the newest, d the oldest; other files are older still.
		os.Chtimes(p, now, now.Add(-time.Duration(i)*time.Hour))
	}
	os.Mkdir(filepath.Join(dir, "base-dir.cpio"), 0o700)
	// c was just made: it stays, though its time says otherwise.
	if err := Prune(dir, "base-*.cpio", 2, "base-c.cpio"); err != nil {
		t.Fatal(err)
	}
	var got []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		got = append(got, e.Name())
	}
	want := []string{".base-x.cpio.tmp1", "base-a.cpio", "base-c.cpio", "base-dir.cpio", "other"}
	if !slices.Equal(got, want) {
		t.Fatalf("left %q, want %q", got, want)
	}
	if err := Prune(dir, "base-*.cpio", 2, "base-c.cpio"); err != nil {
		t.Fatalf("second prune: %v", err)
	}
	if err := Prune(filepath.Join(dir, "none"), "*", 1, ""); err == nil {
		t.Fatal("a missing cache dir pruned without error")
	}
}

func TestPruneCounts(t *testing.T) {
	for _, tc := range []struct {
		name, newest string
		keep, left   int
	}{
		{"newest absent keeps keep", "gone", 2, 2},
		{"newest present counts", "e0", 2, 2},
		{"keep none", "", 0, 0},
		{"keep none spares newest", "e0", 0, 1},
	} {
		dir := t.TempDir()
		for i := 0; i < 4; i++ {
			os.WriteFile(filepath.Join(dir, "e"+strconv.Itoa(i)), nil, 0o600)
		}
		if err := Prune(dir, "e*", tc.keep, tc.newest); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != tc.left {
			t.Errorf("%s: %d left, want %d", tc.name, len(ents), tc.left)
		}
		if _, err := os.Stat(filepath.Join(dir, tc.newest)); tc.newest == "e0" && err != nil {
			t.Errorf("%s: newest pruned", tc.name)
		}
	}
}

// An entry marked with Hit outlives younger ones it was older than; a
// recent one is not written again.
func TestHitKeepsAnOldEntry(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	for name, age := range map[string]time.Duration{"k-used": 3 * time.Hour, "k-1": 2 * time.Hour, "k-2": 30 * time.Minute} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, nil, 0o600)
		os.Chtimes(p, now.Add(-age), now.Add(-age))
	}
	used := filepath.Join(dir, "k-used")
	info, _ := os.Stat(used)
	Hit(used, info)
	if err := Prune(dir, "k-*", 2, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(used); err != nil {
		t.Fatalf("the entry marked used was pruned: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "k-1")); err == nil {
		t.Fatal("k-1, now the least recently used, is still there")
	}
	recent := filepath.Join(dir, "k-2")
	before, _ := os.Stat(recent)
	Hit(recent, before)
	if after, _ := os.Stat(recent); !after.ModTime().Equal(before.ModTime()) {
		t.Error("Hit rewrote the time of an entry used within the hour")
	}
}

func TestWriteJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "c.json")
	if err := WriteJSON(path, map[string]int{"khz": 7}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	dir, _ := os.Stat(filepath.Dir(path))
	if string(b) != `{"khz":7}` || st.Mode().Perm() != 0o600 || dir.Mode().Perm() != 0o700 {
		t.Fatalf("wrote %q mode %v in a dir of mode %v", b, st.Mode().Perm(), dir.Mode().Perm())
	}
}
