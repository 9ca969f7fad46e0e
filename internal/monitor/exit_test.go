package monitor

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadExitFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		content string
		code    int
		ok      bool
	}{
		{"exit 5\n\x00\x00", 5, true},
		{"exit 0\n", 0, true},
		{"\x00\x00\x00", 0, false},
		{"exit 300\n", 0, false},
		{"error boom\n", 0, false},
	} {
		p := filepath.Join(dir, "exit.img")
		os.WriteFile(p, []byte(tc.content), 0o600)
		if code, ok := readExitFile(p); code != tc.code || ok != tc.ok {
			t.Errorf("readExitFile(%q) = %d, %v; want %d, %v", tc.content, code, ok, tc.code, tc.ok)
		}
	}
	if _, ok := readExitFile(filepath.Join(dir, "missing")); ok {
		t.Error("missing file read as an exit code")
	}
}
