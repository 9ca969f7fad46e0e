package oci

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// URuncFile is the file urunc images carry at the rootfs root: annotations
// with base64 values, for runtimes that do not see image annotations.
const URuncFile = "urunc.json"

// URuncPrefix starts urunc's annotation keys.
const URuncPrefix = "com.urunc.unikernel."

// urunc keys and the ukrun keys they mean.
var fromURunc = map[string]string{
	URuncPrefix + "unikernelType":    KeyGuest,
	URuncPrefix + "hypervisor":       KeyVMM,
	URuncPrefix + "binary":           KeyKernel,
	URuncPrefix + "cmdline":          KeyCmdline,
	URuncPrefix + "initrd":           KeyInitrd,
	URuncPrefix + "block":            KeyBlock,
	URuncPrefix + "blkMntPoint":      KeyBlockAt,
	URuncPrefix + "unikernelVersion": KeyVersion,
	URuncPrefix + "useDMBlock":       KeyDMBlock,
}

// Effective returns the annotations that decide how a bundle runs: the
// spec's, then urunc.json's at the rootfs root, with urunc keys translated.
// Where both name a value, the spec wins over the file and ukrun's own key
// wins over urunc's.
func Effective(spec map[string]string, rootfs string) (map[string]string, error) {
	file, err := readURuncFile(rootfs)
	if err != nil {
		return nil, err
	}
	for _, k := range specOnly {
		if _, ok := file[k]; ok {
			return nil, fmt.Errorf("%s sets %s: only the bundle's config.json may", URuncFile, k)
		}
	}
	out := map[string]string{}
	for k, v := range spec {
		out[k] = v
	}
	// Lowest precedence first, each overwriting: the file's urunc keys, the
	// file's ukrun keys, the spec's urunc keys, the spec's ukrun keys.
	for _, src := range []map[string]string{file, spec} {
		for k, v := range src {
			if to, ok := fromURunc[k]; ok {
				out[to] = v
			}
		}
		for k, v := range src {
			if strings.HasPrefix(k, ukrunPrefix) {
				out[k] = v
			}
		}
	}
	return out, nil
}

// specOnly are keys an image's own file may not set: they weaken the
// host's protection, so only the bundle's config.json (the operator) may.
var specOnly = []string{KeySeccomp}

// readURuncFile decodes <rootfs>/urunc.json; a missing file is empty.
func readURuncFile(rootfs string) (map[string]string, error) {
	if rootfs == "" {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(rootfs, URuncFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", URuncFile, err)
	}
	return ParseURunc(b)
}

// ParseURunc decodes urunc.json: an object of string values, base64.
func ParseURunc(b []byte) (map[string]string, error) {
	var raw map[string]string
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("parse %s: %w", URuncFile, err)
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		d, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, fmt.Errorf("%s: value of %s is not base64: %w", URuncFile, k, err)
		}
		out[k] = string(d)
	}
	return out, nil
}

// EncodeURunc renders annotations as urunc.json, values in base64.
func EncodeURunc(a map[string]string) ([]byte, error) {
	enc := make(map[string]string, len(a))
	for k, v := range a {
		enc[k] = base64.StdEncoding.EncodeToString([]byte(v))
	}
	return json.MarshalIndent(enc, "", "  ")
}
