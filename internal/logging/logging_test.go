package logging

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// JSON lines carry lower-case levels: containerd reads "level":"error".
func TestJSONFileLowerCaseLevels(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.json")
	log, closer, err := New(Options{Path: path, Format: "json"})
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hello")
	log.Error("container x does not exist")
	closer.Close()
	b, _ := os.ReadFile(path)
	for _, want := range []string{`"level":"info"`, `"level":"error"`, `"msg":"container x does not exist"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("log %s lacks %s", b, want)
		}
	}
}

func TestBadFormat(t *testing.T) {
	if _, _, err := New(Options{Format: "xml"}); err == nil || !strings.Contains(err.Error(), "log-format") {
		t.Fatalf("error %v", err)
	}
}
