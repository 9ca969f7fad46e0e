package kernel

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"

	"github.com/ulikunitz/xz/lzma"
)

// Kernel bzImages use xz with the x86 BCJ filter in front of LZMA2, which
// github.com/ulikunitz/xz does not support, so the container is parsed
// here and only the LZMA2 data goes to ulikunitz/xz/lzma.

var xzMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}

const (
	xzFilterX86   = 0x04
	xzFilterLZMA2 = 0x21
)

// unxz decodes an xz stream (single stream; trailing bytes are ignored).
func unxz(src []byte) ([]byte, error) {
	if len(src) < 12 || !bytes.Equal(src[:6], xzMagic) {
		return nil, errors.New("xz: bad stream header")
	}
	if crc32.ChecksumIEEE(src[6:8]) != binary.LittleEndian.Uint32(src[8:12]) {
		return nil, errors.New("xz: stream header CRC mismatch")
	}
	check := src[7] & 0x0f
	var out bytes.Buffer
	pos := 12
	for {
		if pos >= len(src) {
			return nil, io.ErrUnexpectedEOF
		}
		if src[pos] == 0 { // index indicator: no more blocks
			return out.Bytes(), nil
		}
		n, err := xzBlock(src, pos, check, &out)
		if err != nil {
			return nil, err
		}
		pos = n
	}
}

// xzBlock decodes the block at src[pos:], appends its data to out and
// returns the offset just past the block.
func xzBlock(src []byte, pos int, check byte, out *bytes.Buffer) (int, error) {
	hsize := (int(src[pos]) + 1) * 4
	if pos+hsize > len(src) {
		return 0, io.ErrUnexpectedEOF
	}
	hdr := src[pos : pos+hsize]
	if crc32.ChecksumIEEE(hdr[:hsize-4]) != binary.LittleEndian.Uint32(hdr[hsize-4:]) {
		return 0, errors.New("xz: block header CRC mismatch")
	}
	bx86, bcjStart, dictCap, err := xzFilters(hdr[1 : hsize-4])
	if err != nil {
		return 0, err
	}
	r := bytes.NewReader(src[pos+hsize:])
	lr, err := lzma.Reader2Config{DictCap: dictCap}.NewReader2(r)
	if err != nil {
		return 0, fmt.Errorf("xz: starting LZMA2 decoder: %w", err)
	}
	start := out.Len()
	if _, err := io.Copy(out, lr); err != nil {
		return 0, fmt.Errorf("xz: decoding LZMA2 data: %w", err)
	}
	data := out.Bytes()[start:]
	if bx86 {
		bcjX86(data, bcjStart)
	}
	end := len(src) - r.Len()
	end = (end + 3) &^ 3 // block padding (stream offsets are 4-aligned)
	h, csize, err := xzCheck(check)
	if err != nil {
		return 0, err
	}
	if end+csize > len(src) {
		return 0, io.ErrUnexpectedEOF
	}
	if h != nil {
		h.Write(data)
		if !bytes.Equal(h.Sum(nil), src[end:end+csize]) {
			return 0, errors.New("xz: block check mismatch")
		}
	}
	return end + csize, nil
}

// xzFilters parses block flags and filter flags; it accepts LZMA2
// optionally preceded by the x86 BCJ filter.
func xzFilters(b []byte) (x86 bool, x86Start uint32, dictCap int, err error) {
	if len(b) < 1 {
		return false, 0, 0, errors.New("xz: short block header")
	}
	flags := b[0]
	nf := int(flags&3) + 1
	b = b[1:]
	for _, bit := range []byte{0x40, 0x80} { // compressed, uncompressed size
		if flags&bit != 0 {
			if _, b, err = uvarint(b); err != nil {
				return false, 0, 0, err
			}
		}
	}
	for i := range nf {
		var id, psize uint64
		if id, b, err = uvarint(b); err != nil {
			return false, 0, 0, err
		}
		if psize, b, err = uvarint(b); err != nil {
			return false, 0, 0, err
		}
		if psize > uint64(len(b)) {
			return false, 0, 0, errors.New("xz: short filter properties")
		}
		props := b[:psize]
		b = b[psize:]
		last := i == nf-1
		switch {
		case id == xzFilterX86 && !last && !x86 && (psize == 0 || psize == 4):
			x86 = true
			if psize == 4 {
				x86Start = binary.LittleEndian.Uint32(props)
			}
		case id == xzFilterLZMA2 && last && psize == 1:
			dc, err := lzma.DecodeDictCap(props[0])
			if err != nil {
				return false, 0, 0, fmt.Errorf("xz: LZMA2 properties: %w", err)
			}
			dictCap = int(max(dc, lzma.MinDictCap))
		default:
			return false, 0, 0, fmt.Errorf("xz: unsupported filter %#x in chain", id)
		}
	}
	return x86, x86Start, dictCap, nil
}

func uvarint(b []byte) (uint64, []byte, error) {
	v, n := binary.Uvarint(b)
	if n <= 0 || n > 9 {
		return 0, nil, errors.New("xz: bad varint in block header")
	}
	return v, b[n:], nil
}

// xzCheck returns the hash and size for an xz check type.
func xzCheck(t byte) (hash.Hash, int, error) {
	switch t {
	case 0x00:
		return nil, 0, nil
	case 0x01:
		return crc32le{crc32.NewIEEE()}, 4, nil
	case 0x04:
		return crc64le{crc64.New(crc64.MakeTable(crc64.ECMA))}, 8, nil
	case 0x0a:
		return sha256.New(), 32, nil
	}
	return nil, 0, fmt.Errorf("xz: unsupported check type %#x", t)
}

// crc32le and crc64le store the CRC little-endian, as xz does.
type crc32le struct{ hash.Hash32 }

func (c crc32le) Sum(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, c.Sum32())
}

type crc64le struct{ hash.Hash64 }

func (c crc64le) Sum(b []byte) []byte {
	return binary.LittleEndian.AppendUint64(b, c.Sum64())
}

// bcjX86 reverses the xz x86 branch filter in place (port of xz-embedded
// bcj_x86 over the whole buffer at once).
func bcjX86(buf []byte, pos uint32) {
	allowed := [8]bool{true, true, true, false, true, false, false, false}
	bitNum := [8]uint32{0, 1, 2, 2, 3, 3, 3, 3}
	msb := func(b byte) bool { return b == 0x00 || b == 0xff }
	if len(buf) <= 4 {
		return
	}
	size := uint(len(buf) - 4)
	prevPos := ^uint(0)
	var prevMask uint32
	for i := uint(0); i < size; i++ {
		if buf[i]&0xfe != 0xe8 {
			continue
		}
		prevPos = i - prevPos
		if prevPos > 3 {
			prevMask = 0
		} else {
			prevMask = (prevMask << (prevPos - 1)) & 7
			if prevMask != 0 {
				b := buf[i+4-uint(bitNum[prevMask])]
				if !allowed[prevMask] || msb(b) {
					prevPos = i
					prevMask = prevMask<<1 | 1
					continue
				}
			}
		}
		prevPos = i
		if !msb(buf[i+4]) {
			prevMask = prevMask<<1 | 1
			continue
		}
		src := binary.LittleEndian.Uint32(buf[i+1:])
		var dest uint32
		for {
			dest = src - (pos + uint32(i) + 5)
			if prevMask == 0 {
				break
			}
			j := bitNum[prevMask] * 8
			if !msb(byte(dest >> (24 - j))) {
				break
			}
			src = dest ^ (1<<(32-j) - 1)
		}
		dest &= 0x01ffffff
		dest |= -(dest & 0x01000000)
		binary.LittleEndian.PutUint32(buf[i+1:], dest)
		i += 4
	}
}
