package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	for _, v := range []string{"one", "two"} {
		if err := Write(name, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(name)
	ents, _ := os.ReadDir(dir)
	if string(b) != "two" || len(ents) != 1 {
		t.Fatalf("content %q, %d entries", b, len(ents))
	}
}
