package kernel

import (
	"bytes"
	"os/exec"
	"testing"

	"github.com/ulikunitz/xz"
)

func TestUnxzChecks(t *testing.T) {
	data := bytes.Repeat([]byte("ukrun kernel payload \xe8\x00\x00\x00\x00 "), 5000)
	tests := []struct {
		name string
		cfg  xz.WriterConfig
	}{
		{"crc32", xz.WriterConfig{CheckSum: xz.CRC32}},
		{"crc64", xz.WriterConfig{CheckSum: xz.CRC64}},
		{"sha256", xz.WriterConfig{CheckSum: xz.SHA256}},
		{"none", xz.WriterConfig{NoCheckSum: true}},
		{"multi-block", xz.WriterConfig{BlockSize: 4096}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := tt.cfg.NewWriter(&buf)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			enc := append(buf.Bytes(), 1, 2, 3, 4) // trailing size word
			got, err := unxz(enc)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatal("round trip mismatch")
			}
			// Flip a byte in the middle: must fail, never panic.
			bad := bytes.Clone(enc)
			bad[len(bad)/2] ^= 0x55
			if _, err := unxz(bad); err == nil {
				t.Error("corrupted stream decoded without error")
			}
		})
	}
}

func TestBCJX86Passthrough(t *testing.T) {
	// Bytes without E8/E9 opcodes are left untouched.
	b := []byte("no branches here at all")
	want := bytes.Clone(b)
	bcjX86(b, 0)
	if !bytes.Equal(b, want) {
		t.Error("bcjX86 modified data without branches")
	}
}

func TestUnxzX86CLI(t *testing.T) {
	xzBin, err := exec.LookPath("xz")
	if err != nil {
		t.Skip("xz binary not installed")
	}
	// Pseudo-code with many call/jmp opcodes, as in a kernel image.
	var data []byte
	for i := range 20000 {
		data = append(data, 0x90, 0xe8, byte(i), byte(i>>8), 0x00, 0x00, 0xe9, byte(i*7), 0xff, 0xff, 0xff)
	}
	cmd := exec.Command(xzBin, "--format=xz", "--check=crc32", "--x86", "--lzma2=dict=1MiB", "-c")
	cmd.Stdin = bytes.NewReader(data)
	enc, err := cmd.Output()
	if err != nil {
		t.Fatalf("running xz: %v", err)
	}
	got, err := unxz(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("x86 BCJ round trip mismatch")
	}
}
