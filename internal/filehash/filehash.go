// Package filehash names files by content without reading them every
// time: a file's SHA-256 is remembered under its identity (device, inode,
// size, modification time), so an unchanged file is hashed once.
package filehash

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/ukrun/ukrun/internal/atomicfile"
	"github.com/ukrun/ukrun/internal/cachedir"
)

// Sum returns the hex SHA-256 of the file at path, remembered in memoDir.
func Sum(path, memoDir string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	memo := filepath.Join(memoDir, identity(fi))
	if b, err := os.ReadFile(memo); err == nil && len(b) == sha256.Size*2 {
		return string(b), nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	// A memo that cannot be written only costs a hash next time; one per
	// version of each file hashed, the oldest go.
	if os.MkdirAll(memoDir, 0o700) == nil && atomicfile.Write(memo, []byte(sum), 0o600) == nil {
		cachedir.Prune(memoDir, "[0-9a-f]*", keepMemos, filepath.Base(memo))
	}
	return sum, nil
}

// keepMemos is how many file versions a memo dir remembers.
const keepMemos = 64

// identity names a file's current version: a rewrite changes its size or
// modification time, a replacement its inode.
func identity(fi os.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Sprintf("%d-%d", fi.Size(), fi.ModTime().UnixNano())
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%d:%d:%d:%d:%d", st.Dev, st.Ino, st.Size, st.Mtim.Nano(), st.Ctim.Nano()))
	return hex.EncodeToString(sum[:16])
}
