package kernel

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
)

// xenElfnotePhys32Entry is XEN_ELFNOTE_PHYS32_ENTRY, the PVH entry point.
const xenElfnotePhys32Entry = 18

var elfMagic = []byte{0x7f, 'E', 'L', 'F'}

// checkPVH verifies r is an ELF64 image carrying the Xen PVH entry note.
func checkPVH(r io.ReaderAt) error {
	f, err := elf.NewFile(r)
	if err != nil {
		return fmt.Errorf("parsing ELF: %w", err)
	}
	defer f.Close()
	if f.Class != elf.ELFCLASS64 {
		return fmt.Errorf("ELF class is %v, want ELFCLASS64", f.Class)
	}
	var readers []io.Reader
	for _, p := range f.Progs {
		if p.Type == elf.PT_NOTE {
			readers = append(readers, p.Open())
		}
	}
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOTE {
			readers = append(readers, s.Open())
		}
	}
	for _, nr := range readers {
		data, err := io.ReadAll(nr)
		if err != nil {
			return fmt.Errorf("reading ELF notes: %w", err)
		}
		if hasXenNote(data, f.ByteOrder, xenElfnotePhys32Entry) {
			return nil
		}
	}
	return fmt.Errorf("kernel has no PVH entry (Xen ELF note %d missing; needs CONFIG_PVH=y)", xenElfnotePhys32Entry)
}

// hasXenNote scans an ELF note area for a "Xen" note of type typ.
func hasXenNote(b []byte, bo binary.ByteOrder, typ uint32) bool {
	align4 := func(n uint64) uint64 { return (n + 3) &^ 3 }
	for len(b) >= 12 {
		namesz := uint64(bo.Uint32(b[0:]))
		descsz := uint64(bo.Uint32(b[4:]))
		t := bo.Uint32(b[8:])
		b = b[12:]
		nameEnd := align4(namesz)
		total := nameEnd + align4(descsz)
		if total > uint64(len(b)) {
			return false
		}
		name := bytes.TrimRight(b[:namesz], "\x00")
		if t == typ && string(name) == "Xen" {
			return true
		}
		b = b[total:]
	}
	return false
}
