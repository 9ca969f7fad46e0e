// Package initrd assembles the initramfs of a Linux guest: a cached base
// archive (ukinit and kernel modules) followed by a per-container archive
// (the app description, the bundle's rootfs and copies of its bind
// mounts). The kernel unpacks concatenated cpio archives in order.
package initrd

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	"github.com/ukrun/ukrun/internal/atomicfile"
	"github.com/ukrun/ukrun/internal/cachedir"
	"github.com/ukrun/ukrun/internal/filehash"
	"github.com/ukrun/ukrun/internal/guest/proto"
)

// ModuleDir is where modules live inside the initrd.
const ModuleDir = "/ukrun/modules"

// Base returns the path of the cached base archive holding ukinit as /init
// and the given modules, and their paths inside the initrd in load order.
func Base(cacheDir, ukinit string, modules []string) (string, []string, error) {
	inGuest := make([]string, len(modules))
	for i, m := range modules {
		inGuest[i] = path.Join(ModuleDir, fmt.Sprintf("%02d-%s", i, filepath.Base(m)))
	}
	key, err := baseKey(filepath.Join(cacheDir, ".sums"), append([]string{ukinit}, modules...))
	if err != nil {
		return "", nil, err
	}
	out := filepath.Join(cacheDir, "base-"+key+".cpio")
	if st, err := os.Stat(out); err == nil {
		cachedir.Hit(out, st)
		return out, inGuest, nil
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return "", nil, fmt.Errorf("create cache dir: %w", err)
	}
	// Synced: the cached base outlives reboots.
	err = atomicfile.Fill(out, 0o600, true, func(f *os.File) error {
		a := newArchive(f)
		if err := addFile(a, "init", ukinit, 0o755); err != nil {
			return err
		}
		for _, d := range []string{path.Dir(ModuleDir), ModuleDir} {
			if err := addDir(a, d[1:], 0o755); err != nil {
				return err
			}
		}
		for i, m := range modules {
			if err := addFile(a, inGuest[i][1:], m, 0o644); err != nil {
				return err
			}
		}
		return a.Close()
	})
	if err != nil {
		return "", nil, err
	}
	// Each container copies the base into its own initrd at create, so one
	// not used for a while can go. A cache that cannot be pruned only costs
	// disk.
	cachedir.Prune(cacheDir, "base-*.cpio", keepBases, filepath.Base(out))
	return out, inGuest, nil
}

// keepBases is how many initrd bases the cache keeps (one per ukinit and
// module set, and a kernel with modules needs a few sets; ukinit changes
// with each ukrun build).
const keepBases = 8

// baseKey names the base by the contents of ukinit and the modules, in
// order (each file's hash remembered in memoDir while it is unchanged).
func baseKey(memoDir string, files []string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "layout %s\x00", ModuleDir)
	for _, f := range files {
		sum, err := filehash.Sum(f, memoDir)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%s\x00", filepath.Base(f), sum)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// Bind is a host file or directory whose copy ukinit mounts at Dest in the
// guest's root, as the bundle's bind mounts (CRI's /etc/hosts, resolv.conf,
// volumes).
type Bind struct {
	Source string // host path
	Dest   string // clean absolute path inside the container
	RO     bool   // mounted read-only in the guest
}

// Write writes the container's initrd to out: the base archive, then the app
// description, the rootfs under /rootfs unless rootfs is empty (shared over
// 9p), and copies of the binds under BindsDir, which the app description
// lists for ukinit to mount.
func Write(out, base string, app *proto.App, rootfs string, binds []Bind) error {
	withBinds := *app
	withBinds.Binds = make([]proto.Bind, len(binds))
	for i, b := range binds {
		withBinds.Binds[i] = proto.Bind{From: stagedBind(i), To: b.Dest, RO: b.RO}
	}
	cfg, err := json.Marshal(&withBinds)
	if err != nil {
		return fmt.Errorf("encode app config: %w", err)
	}
	// Not synced: a container's initrd does not outlive a reboot.
	return atomicfile.Fill(out, 0o600, false, func(f *os.File) error {
		if err := copyFile(f, base); err != nil {
			return err
		}
		a := newArchive(f)
		if err := addDir(a, path.Dir(proto.AppConfigPath)[1:], 0o700); err != nil {
			return err
		}
		if err := addBytes(a, proto.AppConfigPath[1:], cfg, 0o600); err != nil {
			return err
		}
		if err := addDir(a, proto.RootfsDir[1:], 0o755); err != nil {
			return err
		}
		if rootfs != "" {
			if err := addTree(a, rootfs, proto.RootfsDir[1:]); err != nil {
				return err
			}
		}
		if len(binds) > 0 {
			if err := addDir(a, proto.BindsDir[1:], 0o700); err != nil {
				return err
			}
		}
		for i, b := range binds {
			if err := addBind(a, b.Source, stagedBind(i)[1:]); err != nil {
				return fmt.Errorf("bind mount %s: %w", b.Dest, err)
			}
		}
		return a.Close()
	})
}

// stagedBind is where the i-th bind's copy goes in the initrd.
func stagedBind(i int) string { return fmt.Sprintf("%s/%d", proto.BindsDir, i) }

func copyFile(w io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("open base initrd: %w", err)
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
