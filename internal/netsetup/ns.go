package netsetup

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"

	"github.com/vishvananda/netns"
)

// ErrNetnsGone means the recorded namespace no longer exists (or its path
// now names another one): everything ukrun made in it is gone with it.
var ErrNetnsGone = errors.New("network namespace is gone")

// Ino returns the inode of the namespace at path, its identity.
func Ino(path string) (uint64, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return 0, fmt.Errorf("network namespace %s: %w", path, err)
	}
	return st.Ino, nil
}

// IsHost tells whether path is the host's network namespace (pid 1's).
func IsHost(path string) bool {
	a, err1 := Ino(path)
	b, err2 := Ino("/proc/1/ns/net")
	return err1 == nil && err2 == nil && a == b
}

// Do runs fn on a locked OS thread inside the namespace at path, provided
// it is still the one with inode ino. The thread is discarded afterwards.
func Do(path string, ino uint64, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: Go retires the thread
		errc <- doLocked(path, ino, fn)
	}()
	return <-errc
}

func doLocked(path string, ino uint64, fn func() error) error {
	h, err := netns.GetFromPath(path)
	if errors.Is(err, os.ErrNotExist) {
		return ErrNetnsGone
	}
	if err != nil {
		return fmt.Errorf("open network namespace %s: %w", path, err)
	}
	defer h.Close()
	var st syscall.Stat_t
	if err := syscall.Fstat(int(h), &st); err != nil || st.Ino != ino {
		return ErrNetnsGone
	}
	if err := netns.Set(h); err != nil {
		return fmt.Errorf("enter network namespace %s: %w", path, err)
	}
	return fn()
}
