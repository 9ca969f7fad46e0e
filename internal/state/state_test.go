package state

import (
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/proc"
)

func TestValidateID(t *testing.T) {
	for _, ok := range []string{"a", "pod-1_x.y+z", strings.Repeat("a", MaxIDLen)} {
		if err := ValidateID(ok); err != nil {
			t.Errorf("ValidateID(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/b", "../x", "a b", "a\x00", strings.Repeat("a", MaxIDLen+1)} {
		if err := ValidateID(bad); err == nil {
			t.Errorf("ValidateID(%q) accepted", bad)
		}
	}
}

func TestDerive(t *testing.T) {
	self, err := proc.Of(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	stale := self
	stale.StartTime++
	for _, tc := range []struct {
		recorded string
		monitor  proc.Ident
		want     string
	}{
		{Created, self, Created},
		{Running, self, Running},
		{Running, proc.Ident{}, Stopped},
		{Running, stale, Stopped}, // a recycled pid is not our monitor
		{Creating, proc.Ident{}, Stopped},
	} {
		s := &State{Head: Head{Status: tc.recorded, Monitor: tc.monitor}}
		if got := s.Derive(); got != tc.want {
			t.Errorf("Derive(%s, %+v) = %s, want %s", tc.recorded, tc.monitor, got, tc.want)
		}
	}
}

func TestCreateOpenRemove(t *testing.T) {
	root := t.TempDir()
	if err := Free(root, "c1"); err != nil {
		t.Fatalf("Free before Create: %v", err)
	}
	c, err := Create(root, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(root, "c1"); !errors.Is(err, ErrExist) {
		t.Fatalf("second Create: %v", err)
	}
	if err := Free(root, "c1"); !errors.Is(err, ErrExist) {
		t.Fatalf("Free after Create: %v", err)
	}
	if err := c.Save(&State{Head: Head{ID: "c1", Status: Created}}); err != nil {
		t.Fatal(err)
	}
	c.Unlock()
	c, err = Open(root, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(c.Path(StartFifo), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := c.Load()
	if err != nil || s.ID != "c1" || s.Status != Created {
		t.Fatalf("Load = %+v, %v", s, err)
	}
	if h, err := c.LoadHead(); err != nil || h.ID != "c1" || h.Status != Created {
		t.Fatalf("LoadHead = %+v, %v", h, err)
	}
	// start removes the fifo once the VM runs.
	os.Remove(c.Path(StartFifo))
	if s, err := c.Load(); err != nil || s.Status != Running {
		t.Fatalf("Load without the start fifo = %+v, %v", s, err)
	}
	if h, err := c.LoadHead(); err != nil || h.Status != Running {
		t.Fatalf("LoadHead without the start fifo = %+v, %v", h, err)
	}
	if err := c.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(root, "c1"); !errors.Is(err, ErrNotExist) {
		t.Fatalf("Open after Remove: %v", err)
	}
	if ids, _ := List(root); len(ids) != 0 {
		t.Fatalf("List after Remove: %v", ids)
	}
}
