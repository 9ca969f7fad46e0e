package kernel

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Newest returns the newest vmlinuz-* in bootDir by kernel version order,
// together with its version (the part after "vmlinuz-").
func Newest(bootDir string) (path string, version string, err error) {
	matches, err := filepath.Glob(filepath.Join(bootDir, "vmlinuz-*"))
	if err != nil {
		return "", "", fmt.Errorf("listing kernels in %s: %w", bootDir, err)
	}
	for _, m := range matches {
		if fi, err := os.Stat(m); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		v := strings.TrimPrefix(filepath.Base(m), "vmlinuz-")
		if path == "" || compareVersions(v, version) > 0 {
			path, version = m, v
		}
	}
	if path == "" {
		return "", "", fmt.Errorf("finding kernel: no vmlinuz-* file in %s", bootDir)
	}
	return path, version, nil
}

// compareVersions orders versions by runs of digits (numerically) and
// non-digits (lexically), e.g. 6.1.0-56-amd64 > 6.1.0-9-amd64.
func compareVersions(a, b string) int {
	for a != "" && b != "" {
		ta, ra := nextToken(a)
		tb, rb := nextToken(b)
		a, b = ra, rb
		na, errA := strconv.ParseUint(ta, 10, 64)
		nb, errB := strconv.ParseUint(tb, 10, 64)
		switch {
		case errA == nil && errB == nil:
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
		case errA == nil: // numbers sort after text
			return 1
		case errB == nil:
			return -1
		default:
			if c := strings.Compare(ta, tb); c != 0 {
				return c
			}
		}
	}
	return strings.Compare(a, b)
}

// nextToken splits off the leading run of digits or non-digits.
func nextToken(s string) (tok, rest string) {
	digit := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == digit {
		i++
	}
	return s[:i], s[i:]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
