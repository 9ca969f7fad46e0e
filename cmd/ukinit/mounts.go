package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
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

// mountRoot mounts the 9p-shared rootfs of the bundle at /rootfs. The
// initrd's copy of a read-only rootfs is bound onto itself, to be made
// read-only by sealRoot once the mounts inside it are made.
func mountRoot(app *proto.App) error {
	if app.RootTag == "" {
		if !app.RootRO {
			return nil
		}
		if err := unix.Mount(proto.RootfsDir, proto.RootfsDir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("bind the rootfs onto itself: %w", err)
		}
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

// sealRoot makes the initrd's copy of a read-only rootfs read-only (a 9p
// one is mounted so); the mounts inside it keep their own flags.
func sealRoot(app *proto.App) error {
	if app.RootTag != "" || !app.RootRO {
		return nil
	}
	if err := unix.Mount("", proto.RootfsDir, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		return fmt.Errorf("make the rootfs read-only: %w", err)
	}
	return nil
}

// mountBinds bind-mounts the initrd's copies of the bundle's bind mounts in
// the app's root. A missing target is made, as runc makes it in the
// container's rootfs (with 9p, the bundle's own); the target's path is
// resolved inside the rootfs, so a symlink in the image cannot lead it
// elsewhere. Read-only ones turn read-only after all are mounted, so that
// a mount point inside one can still be made; each is held open meanwhile,
// so the remount reaches that mount even if a later one covers its path.
func mountBinds(app *proto.App) error {
	held := make([]*os.File, len(app.Binds)) // the read-only ones
	defer func() {
		for _, f := range held {
			if f != nil {
				f.Close()
			}
		}
	}()
	for i, b := range app.Binds {
		target, err := mountBind(b)
		if err != nil {
			return fmt.Errorf("bind mount %s: %w", b.To, err)
		}
		if b.RO {
			if held[i], err = os.OpenFile(target, unix.O_PATH|unix.O_CLOEXEC, 0); err != nil {
				return fmt.Errorf("bind mount %s: %w", b.To, err)
			}
		}
	}
	for i, f := range held {
		if f == nil {
			continue
		}
		// A bind mount takes its read-only flag only from a remount.
		fdPath := fmt.Sprintf("/proc/self/fd/%d", f.Fd())
		if err := unix.Mount("", fdPath, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
			return fmt.Errorf("bind mount %s: make it read-only: %w", app.Binds[i].To, err)
		}
	}
	return nil
}

// mountBind mounts one bind and returns where.
func mountBind(b proto.Bind) (string, error) {
	src, err := os.Stat(b.From)
	if err != nil {
		return "", err
	}
	target, err := securejoin.SecureJoin(proto.RootfsDir, b.To)
	if err != nil {
		return "", err
	}
	inRoot := strings.TrimPrefix(target, proto.RootfsDir)
	if d := proto.Under(inRoot, proto.KernelDirs...); d != "" {
		return "", fmt.Errorf("its mount point resolves to %s, under the guest's own %s", inRoot, d)
	}
	switch st, err := os.Stat(target); {
	case errors.Is(err, os.ErrNotExist):
		if err := makeTarget(target, src.IsDir()); err != nil {
			return "", fmt.Errorf("make the mount point: %w", err)
		}
	case err != nil:
		return "", err
	case st.IsDir() != src.IsDir():
		return "", fmt.Errorf("the source is %s, the mount point %s in the rootfs is %s", kind(src), inRoot, kind(st))
	}
	return target, unix.Mount(b.From, target, "", unix.MS_BIND|unix.MS_REC, "")
}

func kind(st os.FileInfo) string {
	if st.IsDir() {
		return "a directory"
	}
	return "a file"
}

func makeTarget(target string, dir bool) error {
	if dir {
		return os.MkdirAll(target, 0o755)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
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
