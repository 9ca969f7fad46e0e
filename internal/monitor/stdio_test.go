package monitor

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ukrun/ukrun/internal/testutil"
)

// A pipe is reopened for the poller: a reader waits in "IO wait", not in
// a read(2) that holds its P, and gets the data and the end of file.
func TestPollablePipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := pollable(r, os.O_RDONLY)
	if p == r {
		t.Fatal("a pipe was not reopened")
	}
	defer p.Close()
	got := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(p)
		got <- string(b)
	}()
	if !testutil.ParkedInPoller("io.ReadAll") {
		t.Error("the reader is not parked in the poller")
	}
	w.WriteString("hello")
	w.Close()
	if s := <-got; s != "hello" {
		t.Errorf("read %q", s)
	}
}

// A regular file keeps its description (and offset); so does /dev/null.
func TestPollableLeavesFiles(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if pollable(f, os.O_WRONLY) != f || pollable(null, os.O_RDONLY) != null {
		t.Error("a file or /dev/null was reopened")
	}
}
