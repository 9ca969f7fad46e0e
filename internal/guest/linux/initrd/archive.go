package initrd

import (
	"fmt"
	"io"
	"os"

	"github.com/cavaliergopher/cpio"
)

// archive is a cpio writer on a file that copies file contents from file
// to file in the kernel (copy_file_range) rather than through a buffer.
// The cpio writer passes each write straight through, so it is shown the
// copied bytes afterwards only to count them and pad the entry.
type archive struct {
	*cpio.Writer
	out     *os.File
	counted bool // writes reach the cpio writer's count, not the file
}

func newArchive(out *os.File) *archive {
	a := &archive{out: out}
	a.Writer = cpio.NewWriter(writerFunc(func(p []byte) (int, error) {
		if a.counted {
			return len(p), nil
		}
		return a.out.Write(p)
	}))
	return a
}

// copyFrom writes the current entry's size bytes from src.
func (a *archive) copyFrom(src *os.File, size int64) error {
	n, err := io.Copy(a.out, io.LimitReader(src, size))
	if err != nil {
		return fmt.Errorf("copy %s: %w", src.Name(), err)
	}
	if n != size {
		return fmt.Errorf("copy %s: it shrank from %d to %d bytes while copied", src.Name(), size, n)
	}
	if m, _ := src.Read(make([]byte, 1)); m > 0 {
		return fmt.Errorf("copy %s: it holds more than the %d bytes its size said", src.Name(), size)
	}
	a.counted = true
	defer func() { a.counted = false }()
	_, err = io.CopyN(a.Writer, zeros{}, n)
	return err
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { return len(p), nil }
