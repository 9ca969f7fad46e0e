package kernel

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// makeELF builds a minimal ELF64 with one PT_NOTE segment holding a note
// named "Xen" of type noteType.
func makeELF(noteType uint32) []byte {
	le := binary.LittleEndian
	var note []byte
	note = le.AppendUint32(note, 4) // namesz
	note = le.AppendUint32(note, 4) // descsz
	note = le.AppendUint32(note, noteType)
	note = append(note, "Xen\x00"...)
	note = le.AppendUint32(note, 0x1000000)

	hdr := make([]byte, 64)
	copy(hdr, elfMagic)
	hdr[4], hdr[5], hdr[6] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1
	le.PutUint16(hdr[16:], uint16(elf.ET_EXEC))
	le.PutUint16(hdr[18:], uint16(elf.EM_X86_64))
	le.PutUint32(hdr[20:], 1)
	le.PutUint64(hdr[32:], 64) // phoff
	le.PutUint16(hdr[52:], 64) // ehsize
	le.PutUint16(hdr[54:], 56) // phentsize
	le.PutUint16(hdr[56:], 1)  // phnum
	ph := make([]byte, 56)
	le.PutUint32(ph[0:], uint32(elf.PT_NOTE))
	le.PutUint64(ph[8:], 64+56) // offset
	le.PutUint64(ph[32:], uint64(len(note)))
	le.PutUint64(ph[40:], uint64(len(note)))
	le.PutUint64(ph[48:], 4)
	return append(append(hdr, ph...), note...)
}

// makeBzImage wraps payload in a minimal x86 boot setup header.
func makeBzImage(payload []byte) []byte {
	const setupSects = 4
	img := make([]byte, (setupSects+1)*512+16)
	img[0x1f1] = setupSects
	copy(img[0x202:], "HdrS")
	binary.LittleEndian.PutUint32(img[0x248:], 16)
	binary.LittleEndian.PutUint32(img[0x24c:], uint32(len(payload)))
	return append(append(img, payload...), 0, 0, 0, 0) // trailing size word
}

func gz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeTemp(t *testing.T, name string, b []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPVHSynthetic(t *testing.T) {
	random := make([]byte, 4096)
	rand.Read(random)
	good := makeELF(xenElfnotePhys32Entry)
	full := makeBzImage(gz(t, good))
	tests := []struct {
		name    string
		input   []byte
		wantErr string // empty: success
	}{
		{"gzip bzImage", full, ""},
		{"no PVH note", makeBzImage(gz(t, makeELF(17))), "no PVH entry"},
		{"ELF without note", makeELF(17), "no PVH entry"},
		{"zstd payload", makeBzImage([]byte{0x28, 0xb5, 0x2f, 0xfd, 1, 2}), "zstd"},
		{"unknown payload", makeBzImage([]byte("hello world")), "unsupported payload compression"},
		{"random bytes", random, "HdrS"},
		{"truncated header", full[:0x210], "HdrS"},
		{"truncated payload", full[:len(full)-8], "outside"},
		{"corrupt xz", makeBzImage(append(append([]byte{}, xzMagic...), 0, 1, 2, 3, 4, 5, 6)), "xz"},
		{"empty", nil, "reading kernel image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeTemp(t, "vmlinuz-test", tt.input)
			cache := filepath.Join(t.TempDir(), "cache")
			out, err := PVH(in, cache)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("PVH err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, good) {
				t.Error("extracted ELF differs from original")
			}
			if fi, err := os.Stat(cache); err != nil || fi.Mode().Perm() != 0o700 {
				t.Errorf("cache dir: %v, %v", fi, err)
			}
		})
	}
}

func TestPVHELFUnchanged(t *testing.T) {
	in := writeTemp(t, "vmlinux", makeELF(xenElfnotePhys32Entry))
	out, err := PVH(in, t.TempDir())
	if err != nil || out != in {
		t.Fatalf("PVH(ELF) = %q, %v; want %q", out, err, in)
	}
}

func TestPVHRealKernel(t *testing.T) {
	bz, _, err := Newest("/boot")
	if err != nil {
		t.Skipf("no host kernel: %v", err)
	}
	if f, err := os.Open(bz); err != nil {
		t.Skipf("host kernel unreadable: %v", err)
	} else {
		f.Close()
	}
	cache := filepath.Join(t.TempDir(), "kcache")

	start := time.Now()
	out, err := PVH(bz, cache)
	cold := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := checkPVH(f); err != nil {
		t.Fatalf("output %s: %v", out, err)
	}
	if !strings.HasPrefix(filepath.Base(out), "vmlinux-") || len(filepath.Base(out)) != len("vmlinux-")+16 {
		t.Errorf("unexpected cache name %s", out)
	}

	start = time.Now()
	out2, err := PVH(bz, cache)
	warm := time.Since(start)
	if err != nil || out2 != out {
		t.Fatalf("second PVH = %q, %v; want %q", out2, err, out)
	}
	if warm > cold/4 || warm > 500*time.Millisecond {
		t.Errorf("warm call %v not a cache hit (cold %v)", warm, cold)
	}
	// The extracted ELF is itself accepted unchanged.
	if out3, err := PVH(out, cache); err != nil || out3 != out {
		t.Errorf("PVH(vmlinux) = %q, %v", out3, err)
	}
	t.Logf("cold %v, warm %v, %s", cold, warm, out)
}

// The cache of extracted kernels keeps the keepKernels used last.
func TestPVHCacheIsBounded(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "cache")
	var outs []string
	for i := 0; i < keepKernels+2; i++ {
		// Distinct bzImages: the same ELF with other padding after it.
		elf := append(makeELF(xenElfnotePhys32Entry), make([]byte, i)...)
		out, err := PVH(writeTemp(t, fmt.Sprintf("vmlinuz-%d", i), makeBzImage(gz(t, elf))), cache)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
		// Entries a second apart: the order does not hang on the clock's grain.
		old := time.Now().Add(time.Duration(i-100) * time.Second)
		os.Chtimes(out, old, old)
	}
	kernels, _ := filepath.Glob(filepath.Join(cache, "vmlinux-*"))
	if len(kernels) != keepKernels {
		t.Fatalf("cache holds %d kernels, want %d", len(kernels), keepKernels)
	}
	for _, gone := range outs[:2] {
		if _, err := os.Stat(gone); err == nil {
			t.Errorf("%s, among the least recently used, is still cached", gone)
		}
	}
}
