// Package oci loads a bundle's runtime spec and turns its annotations and
// limits into what ukrun must build.
package oci

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// LoadSpec reads <bundle>/config.json.
func LoadSpec(bundle string) (*specs.Spec, error) {
	b, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		return nil, fmt.Errorf("read bundle config: %w", err)
	}
	var s specs.Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("parse %s: %w", filepath.Join(bundle, "config.json"), err)
	}
	// process is optional until start (OCI); when given it needs args.
	if s.Process != nil && len(s.Process.Args) == 0 {
		return nil, errors.New("bundle config: process.args is empty")
	}
	return &s, nil
}

// RootfsPath returns the bundle's root filesystem as an absolute path and
// checks that it is a directory.
func RootfsPath(bundle string, s *specs.Spec) (string, error) {
	if s.Root == nil || s.Root.Path == "" {
		return "", errors.New("bundle config: root.path is not set")
	}
	p := s.Root.Path
	if !filepath.IsAbs(p) {
		p = filepath.Join(bundle, p)
	}
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("bundle rootfs %s: %w", p, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("bundle rootfs %s is not a directory", p)
	}
	return p, nil
}
