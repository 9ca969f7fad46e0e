package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/guest/proto"
)

type mount struct {
	source, target, fstype string
	flags                  uintptr
}

var baseMounts = []mount{
	{"proc", "/proc", "proc", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC},
	{"sysfs", "/sys", "sysfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC},
	{"devtmpfs", "/dev", "devtmpfs", unix.MS_NOSUID},
}

// mountBase mounts /proc, /sys and /dev for ukinit and for the app's root.
func mountBase() error {
	for _, root := range []string{"/", proto.RootfsDir} {
		for _, m := range baseMounts {
			if err := mountAt(root, m); err != nil {
				return err
			}
		}
		pts := mount{"devpts", "/dev/pts", "devpts", unix.MS_NOSUID | unix.MS_NOEXEC}
		if err := mountAt(root, pts); err != nil {
			return err
		}
	}
	return nil
}

func mountAt(root string, m mount) error {
	target := filepath.Join(root, m.target)
	if err := os.MkdirAll(target, 0o755); err != nil {
		return fmt.Errorf("mkdir %s: %w", target, err)
	}
	err := unix.Mount(m.source, target, m.fstype, m.flags, "")
	if err != nil && !errors.Is(err, unix.EBUSY) {
		return fmt.Errorf("mount %s on %s: %w", m.fstype, target, err)
	}
	return nil
}
