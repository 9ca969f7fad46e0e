package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteLeavesNoTemp(t *testing.T) {
	for name, write := range map[string]func(string, []byte, os.FileMode) error{
		"Write": Write, "WriteVolatile": WriteVolatile,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			f := filepath.Join(dir, "f")
			for _, v := range []string{"one", "two"} {
				if err := write(f, []byte(v), 0o640); err != nil {
					t.Fatal(err)
				}
			}
			b, _ := os.ReadFile(f)
			ents, _ := os.ReadDir(dir)
			st, _ := os.Stat(f)
			if string(b) != "two" || len(ents) != 1 || st.Mode().Perm() != 0o640 {
				t.Fatalf("content %q, %d entries, mode %v", b, len(ents), st.Mode())
			}
		})
	}
}

func TestWriteNamesTheFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "no", "such", "dir")
	if err := WriteVolatile(name, nil, 0o600); err == nil || !strings.Contains(err.Error(), name) {
		t.Fatalf("err %v", err)
	}
}

func TestFillFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	err := Fill(filepath.Join(dir, "f"), 0o600, true, func(*os.File) error { return os.ErrInvalid })
	if ents, _ := os.ReadDir(dir); err == nil || len(ents) != 0 {
		t.Fatalf("err %v, %d entries left", err, len(ents))
	}
}
