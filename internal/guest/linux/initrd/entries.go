package initrd

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"

	"github.com/cavaliergopher/cpio"
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

// addBind copies a bind mount's source, a file or a directory, to name.
func addBind(a *archive, src, name string) error {
	st, err := os.Stat(src)
	if err != nil {
		return err
	}
	if st.IsDir() {
		if err := addDir(a, name, st.Mode().Perm()); err != nil {
			return err
		}
		return addTree(a, src, name)
	}
	return addFile(a, name, src, st.Mode().Perm())
}
