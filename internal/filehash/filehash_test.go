package filehash

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestSum(t *testing.T) {
	dir, memo := t.TempDir(), t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("one"), 0o644)
	want := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	for i := 0; i < 2; i++ { // computed, then remembered
		if got, err := Sum(p, memo); err != nil || got != want("one") {
			t.Fatalf("Sum = %s, %v; want %s", got, err, want("one"))
		}
	}
	if ents, _ := os.ReadDir(memo); len(ents) != 1 {
		t.Fatalf("memo dir holds %d entries, want 1", len(ents))
	}
	// A rewrite, even of the same size, is a new version.
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(p, []byte("two"), 0o644)
	if got, _ := Sum(p, memo); got != want("two") {
		t.Fatalf("after rewrite: %s, want %s", got, want("two"))
	}
	if _, err := Sum(filepath.Join(dir, "missing"), memo); err == nil {
		t.Fatal("missing file hashed")
	}
}

func TestMemosAreBounded(t *testing.T) {
	dir, memo := t.TempDir(), t.TempDir()
	for i := 0; i < keepMemos+5; i++ {
		p := filepath.Join(dir, strconv.Itoa(i))
		os.WriteFile(p, []byte(p), 0o644)
		if _, err := Sum(p, memo); err != nil {
			t.Fatal(err)
		}
	}
	if ents, _ := os.ReadDir(memo); len(ents) != keepMemos {
		t.Fatalf("memo dir holds %d entries, want %d", len(ents), keepMemos)
	}
}
