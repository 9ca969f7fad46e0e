package kernel

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ulikunitz/xz/lzma"

	"github.com/ukrun/ukrun/internal/atomicfile"
	"github.com/ukrun/ukrun/internal/cachedir"
	"github.com/ukrun/ukrun/internal/filehash"
)

// PVH returns the path of an uncompressed ELF vmlinux extracted from
// bzImage, suitable for QEMU "-kernel" via the PVH entry. Results are
// cached in cacheDir as vmlinux-<first 16 hex of sha256(bzImage)>. An
// input that already is an ELF with a PVH note is returned unchanged.
func PVH(bzImage, cacheDir string) (string, error) {
	f, err := os.Open(bzImage)
	if err != nil {
		return "", fmt.Errorf("opening kernel image: %w", err)
	}
	defer f.Close()

	var magic [4]byte
	if _, err := f.ReadAt(magic[:], 0); err != nil {
		return "", fmt.Errorf("reading kernel image %s: %w", bzImage, err)
	}
	if bytes.Equal(magic[:], elfMagic) {
		if err := checkPVH(f); err != nil {
			return "", fmt.Errorf("checking ELF kernel %s: %w", bzImage, err)
		}
		return bzImage, nil
	}

	sum, err := filehash.Sum(bzImage, filepath.Join(cacheDir, ".sums"))
	if err != nil {
		return "", fmt.Errorf("hashing kernel image: %w", err)
	}
	out := filepath.Join(cacheDir, "vmlinux-"+sum[:16])
	if st, err := os.Stat(out); err == nil {
		cachedir.Hit(out, st)
		return out, nil
	}

	img, err := os.ReadFile(bzImage)
	if err != nil {
		return "", fmt.Errorf("reading kernel image: %w", err)
	}
	vmlinux, err := extract(img)
	if err != nil {
		return "", fmt.Errorf("extracting vmlinux from %s: %w", bzImage, err)
	}
	if err := checkPVH(bytes.NewReader(vmlinux)); err != nil {
		return "", fmt.Errorf("checking vmlinux from %s: %w", bzImage, err)
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return "", fmt.Errorf("creating cache dir: %w", err)
	}
	if err := atomicfile.Write(out, vmlinux, 0o644); err != nil {
		return "", fmt.Errorf("caching vmlinux from %s: %w", bzImage, err)
	}
	// QEMU opens its kernel at create, Firecracker and Cloud Hypervisor at
	// start: a created container loses its kernel only if keepKernels other
	// kernels are used after it (Hit dates a use to the hour) before it
	// starts. A cache that cannot be pruned only costs disk.
	cachedir.Prune(cacheDir, "vmlinux-*", keepKernels, filepath.Base(out))
	return out, nil
}

// keepKernels is how many extracted kernels the cache keeps, the least
// recently used going first (one per distinct bzImage: the host's kernels,
// or ones a config or annotation names).
const keepKernels = 8

// extract returns the decompressed payload of an x86 bzImage.
func extract(img []byte) ([]byte, error) {
	if len(img) < 0x250 || string(img[0x202:0x206]) != "HdrS" {
		return nil, errors.New("not an x86 bzImage (no HdrS boot header)")
	}
	setupSects := int(img[0x1f1])
	if setupSects == 0 {
		setupSects = 4
	}
	pm := (setupSects + 1) * 512
	off := uint64(binary.LittleEndian.Uint32(img[0x248:]))
	n := uint64(binary.LittleEndian.Uint32(img[0x24c:]))
	start := uint64(pm) + off
	if n == 0 || start+n > uint64(len(img)) {
		return nil, fmt.Errorf("payload (offset %#x, length %#x) outside %d-byte image", start, n, len(img))
	}
	payload := img[start : start+n]

	switch {
	case bytes.HasPrefix(payload, xzMagic):
		return unxz(payload)
	case bytes.HasPrefix(payload, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(payload))
		if err != nil {
			return nil, fmt.Errorf("opening gzip payload: %w", err)
		}
		zr.Multistream(false)
		return readAll(zr, "gzip")
	case bytes.HasPrefix(payload, []byte("BZh")):
		return readAll(bzip2.NewReader(bytes.NewReader(payload)), "bzip2")
	case bytes.HasPrefix(payload, []byte{0x5d, 0x00, 0x00}):
		lr, err := lzma.NewReader(bytes.NewReader(payload))
		if err != nil {
			return nil, fmt.Errorf("opening lzma payload: %w", err)
		}
		return readAll(lr, "lzma")
	}
	return nil, fmt.Errorf("unsupported payload compression %s", formatName(payload))
}

func readAll(r io.Reader, format string) ([]byte, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("decompressing %s payload: %w", format, err)
	}
	return b, nil
}

// formatName names a payload format we recognise but do not decode.
func formatName(p []byte) string {
	for _, m := range []struct {
		magic []byte
		name  string
	}{
		{[]byte{0x28, 0xb5, 0x2f, 0xfd}, "zstd"},
		{[]byte{0x02, 0x21, 0x4c, 0x18}, "lz4"},
		{[]byte{0x89, 'L', 'Z', 'O'}, "lzo"},
	} {
		if bytes.HasPrefix(p, m.magic) {
			return m.name
		}
	}
	return fmt.Sprintf("(unknown magic % x)", p[:min(len(p), 6)])
}
