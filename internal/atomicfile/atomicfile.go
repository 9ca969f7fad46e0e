// Package atomicfile replaces files whole: readers see the old content or
// the new, never a mix, and a crash of the writer leaves no partial file.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write replaces name durably: the data is synced before the rename, for
// caches and outputs that must survive a power loss.
func Write(name string, data []byte, perm os.FileMode) error {
	return Fill(name, perm, true, writeData(data))
}

// WriteVolatile replaces name without syncing, for runtime state (under
// /run, often a tmpfs): the rename still makes a crash of the writer leave
// the old content or the new, and a power loss ends every process and
// kernel object such a file describes. runc writes its state.json so too.
func WriteVolatile(name string, data []byte, perm os.FileMode) error {
	return Fill(name, perm, false, writeData(data))
}

// Fill replaces name with what fill writes to a temp file beside it,
// synced before the rename when durable.
func Fill(name string, perm os.FileMode, durable bool, fill func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	err = fill(tmp)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil && durable {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

func writeData(data []byte) func(*os.File) error {
	return func(f *os.File) error {
		_, err := f.Write(data)
		return err
	}
}
