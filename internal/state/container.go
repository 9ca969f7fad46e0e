package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Container is a locked container directory. Every command holds the lock
// for as long as it works on the container.
type Container struct {
	ID   string
	Dir  string
	lock *os.File
}

// Create makes the directory of a new container and locks it.
func Create(root, id string) (*Container, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(root, 0o711); err != nil {
		return nil, fmt.Errorf("create runtime root: %w", err)
	}
	dir := filepath.Join(root, id)
	if err := os.Mkdir(dir, 0o711); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("container %s: %w", id, ErrExist)
		}
		return nil, fmt.Errorf("create state dir: %w", err)
	}
	c, err := lock(id, dir)
	if err != nil {
		os.Remove(dir)
		return nil, err
	}
	return c, nil
}

// Free returns ErrExist when id names a container under root. Create makes
// sure; this lets a create fail before it starts anything.
func Free(root, id string) error {
	if _, err := os.Lstat(filepath.Join(root, id)); err == nil {
		return fmt.Errorf("container %s: %w", id, ErrExist)
	}
	return nil
}

// Open locks the directory of an existing container.
func Open(root, id string) (*Container, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	dir := filepath.Join(root, id)
	c, err := lock(id, dir)
	if err != nil {
		return nil, err
	}
	// A concurrent delete may have removed the directory while we waited.
	if _, err := os.Stat(dir); err != nil {
		c.Unlock()
		return nil, fmt.Errorf("container %s %w", id, ErrNotExist)
	}
	return c, nil
}

func lock(id, dir string) (*Container, error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("container %s %w", id, ErrNotExist)
		}
		return nil, fmt.Errorf("open lock of %s: %w", id, err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", id, err)
	}
	return &Container{ID: id, Dir: dir, lock: f}, nil
}

// Busy tells whether another command holds the container's lock now.
func (c *Container) Busy() bool {
	f, err := os.Open(filepath.Join(c.Dir, LockFile))
	if err != nil {
		return false
	}
	defer f.Close()
	return unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB) != nil
}

// Unlock releases the lock.
func (c *Container) Unlock() {
	if c.lock != nil {
		c.lock.Close()
		c.lock = nil
	}
}

// Path names a file in the container's directory.
func (c *Container) Path(name string) string { return filepath.Join(c.Dir, name) }

// Remove deletes the container's directory and releases the lock.
func (c *Container) Remove() error {
	err := os.RemoveAll(c.Dir)
	c.Unlock()
	if err != nil {
		return fmt.Errorf("remove state dir of %s: %w", c.ID, err)
	}
	return nil
}

// List returns the ids with a directory under root.
func List(root string) ([]string, error) {
	ents, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", root, err)
	}
	var ids []string
	for _, e := range ents {
		if e.IsDir() && ValidateID(e.Name()) == nil {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil
}
