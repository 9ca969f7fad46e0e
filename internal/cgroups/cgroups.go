// Package cgroups places a process in the spec's cgroupsPath, on cgroup v2
// or on each v1 hierarchy, and records every directory it makes.
package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Root is where cgroup file systems are mounted.
var Root = "/sys/fs/cgroup"

// Dirs returns the cgroup directories for path: one on a v2 host, one per
// mounted v1 hierarchy otherwise. A systemd-style "slice:prefix:name" path
// is mapped to the directory systemd would use.
func Dirs(path string) ([]string, error) {
	if path == "" {
		return nil, nil
	}
	rel, err := relPath(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(Root, "cgroup.controllers")); err == nil {
		return []string{filepath.Join(Root, rel)}, nil
	}
	ents, err := os.ReadDir(Root)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", Root, err)
	}
	var dirs []string
	for _, e := range ents {
		// Skip the v2 "unified" tree of a hybrid host and symlinked aliases.
		if e.IsDir() && e.Name() != "unified" {
			dirs = append(dirs, filepath.Join(Root, e.Name(), rel))
		}
	}
	return dirs, nil
}

func relPath(p string) (string, error) {
	if parts := strings.Split(p, ":"); len(parts) == 3 && !strings.Contains(p, "/") {
		slice, prefix, name := parts[0], parts[1], parts[2]
		if slice == "" {
			slice = "system.slice"
		}
		p = filepath.Join(slice, prefix+"-"+name+".scope")
	}
	clean := filepath.Clean("/" + p)
	if clean == "/" {
		return "", fmt.Errorf("cgroupsPath %q names the root cgroup", p)
	}
	return clean[1:], nil
}

// Join puts pid in dir, creating the missing directories. record is called
// with each directory before it is made, outermost first.
func Join(dir string, pid int, record func(string) error) error {
	var missing []string
	for d := dir; d != Root && d != "/" && d != "."; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		missing = append([]string{d}, missing...)
	}
	for _, d := range missing {
		if err := record(d); err != nil {
			return err
		}
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("create cgroup %s: %w", d, err)
		}
		if err := inheritCpuset(d); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("join cgroup %s: %w", dir, err)
	}
	return nil
}

// inheritCpuset fills a new v1 cpuset cgroup from its parent: the kernel
// refuses tasks in a cpuset with no cpus or mems.
func inheritCpuset(dir string) error {
	for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
		cur, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || strings.TrimSpace(string(cur)) != "" {
			continue
		}
		v, err := os.ReadFile(filepath.Join(filepath.Dir(dir), f))
		if err != nil {
			return fmt.Errorf("read parent %s of %s: %w", f, dir, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), v, 0o644); err != nil {
			return fmt.Errorf("set %s of %s: %w", f, dir, err)
		}
	}
	return nil
}
