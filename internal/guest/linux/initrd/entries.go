package initrd

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"

	"github.com/cavaliergopher/cpio"

	"github.com/ukrun/ukrun/internal/guest/proto"
)

func addDir(a *archive, name string, perm fs.FileMode) error {
	return a.WriteHeader(&cpio.Header{Name: name, Mode: cpio.TypeDir | cpio.FileMode(perm)})
}

func addBytes(a *archive, name string, data []byte, perm fs.FileMode) error {
	if err := a.WriteHeader(&cpio.Header{Name: name, Mode: cpio.TypeReg | cpio.FileMode(perm), Size: int64(len(data))}); err != nil {
		return err
	}
	_, err := a.Write(data)
	return err
}

func addFile(a *archive, name, src string, perm fs.FileMode) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("add %s to initrd: %w", src, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := a.WriteHeader(&cpio.Header{Name: name, Mode: cpio.TypeReg | cpio.FileMode(perm), Size: st.Size()}); err != nil {
		return err
	}
	return a.copyFrom(f, st.Size())
}

// addTree adds every directory, regular file and symlink under root, with
// its mode and owner, below prefix. Other file types are skipped: the
// guest's /dev is a devtmpfs.
func addTree(a *archive, root, prefix string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read rootfs: %w", err)
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("read rootfs: %w", err)
		}
		h := &cpio.Header{Name: path.Join(prefix, filepath.ToSlash(rel)), ModTime: info.ModTime()}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			h.Uid, h.Guid = int(st.Uid), int(st.Gid)
		}
		perm := cpio.FileMode(info.Mode().Perm())
		if info.Mode()&fs.ModeSetuid != 0 {
			perm |= cpio.ModeSetuid
		}
		if info.Mode()&fs.ModeSetgid != 0 {
			perm |= cpio.ModeSetgid
		}
		if info.Mode()&fs.ModeSticky != 0 {
			perm |= cpio.ModeSticky
		}
		switch {
		case d.IsDir():
			h.Mode = cpio.TypeDir | perm
			return a.WriteHeader(h)
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return fmt.Errorf("read rootfs: %w", err)
			}
			h.Mode, h.Size = cpio.TypeSymlink|perm, int64(len(target))
			if err := a.WriteHeader(h); err != nil {
				return err
			}
			_, err = a.Write([]byte(target))
			return err
		case info.Mode().IsRegular():
			h.Mode, h.Size = cpio.TypeReg|perm, info.Size()
			if err := a.WriteHeader(h); err != nil {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return fmt.Errorf("read rootfs: %w", err)
			}
			defer f.Close()
			return a.copyFrom(f, h.Size)
		}
		return nil
	})
}

// addBind copies a bind mount's source to its destination under /rootfs,
// making the missing parent directories.
func addBind(a *archive, b Bind) error {
	dest := path.Clean("/" + filepath.ToSlash(b.Dest))
	st, err := os.Stat(b.Source)
	if err != nil {
		return fmt.Errorf("bind mount %s: %w", b.Dest, err)
	}
	parent := path.Join(proto.RootfsDir, path.Dir(dest))[1:]
	var dirs []string
	for d := parent; d != path.Dir(proto.RootfsDir[1:]) && d != "."; d = path.Dir(d) {
		dirs = append([]string{d}, dirs...)
	}
	for _, d := range dirs[1:] { // rootfs itself is there
		if err := addDir(a, d, 0o755); err != nil {
			return err
		}
	}
	name := path.Join(proto.RootfsDir, dest)[1:]
	if st.IsDir() {
		if err := addDir(a, name, st.Mode().Perm()); err != nil {
			return err
		}
		return addTree(a, b.Source, name)
	}
	return addFile(a, name, b.Source, st.Mode().Perm())
}
