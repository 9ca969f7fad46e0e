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

// mountBase mounts /proc, /sys and /dev for ukinit, or inside the app's
// root.
func mountBase(roots ...string) error {
	for _, root := range roots {
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

// mountRoot mounts the 9p-shared rootfs of the bundle at /rootfs.
func mountRoot(app *proto.App) error {
	if app.RootTag == "" {
		return nil
	}
	var flags uintptr
	if app.RootRO {
		flags |= unix.MS_RDONLY
	}
	err := unix.Mount(app.RootTag, proto.RootfsDir, "9p", flags, "trans=virtio,version=9p2000.L,msize=262144,cache=mmap")
	if err != nil {
		return fmt.Errorf("mount 9p rootfs %s: %w", app.RootTag, err)
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
