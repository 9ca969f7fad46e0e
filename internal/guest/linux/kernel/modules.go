package kernel

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ModuleDir returns the module directory of a kernel version.
func ModuleDir(version string) string {
	return filepath.Join("/lib/modules", version)
}

// module is one modules.dep entry.
type module struct {
	path string   // relative to modDir (or absolute)
	deps []string // normalised names, as listed in modules.dep
}

// Modules resolves names against modDir/modules.dep and returns absolute
// .ko paths in load order (dependencies first, each module once). Names
// built into the kernel (modules.builtin) are satisfied without output.
func Modules(modDir string, names ...string) ([]string, error) {
	abs, err := filepath.Abs(modDir)
	if err != nil {
		return nil, fmt.Errorf("resolving module dir %s: %w", modDir, err)
	}
	mods, err := readDep(filepath.Join(abs, "modules.dep"))
	if err != nil {
		return nil, err
	}
	builtin, err := readBuiltin(filepath.Join(abs, "modules.builtin"))
	if err != nil {
		return nil, err
	}

	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var order []string
	var visit func(name, parent string) error
	visit = func(name, parent string) error {
		switch state[name] {
		case done:
			return nil
		case visiting:
			return fmt.Errorf("resolving modules in %s: dependency cycle at %s", modDir, name)
		}
		m, ok := mods[name]
		if !ok {
			if builtin[name] {
				state[name] = done
				return nil
			}
			if parent != "" {
				return fmt.Errorf("resolving modules in %s: unknown module %q (needed by %s)", modDir, name, parent)
			}
			return fmt.Errorf("resolving modules in %s: unknown module %q", modDir, name)
		}
		state[name] = visiting
		// modules.dep lists dependencies so the last one loads first.
		for i := len(m.deps) - 1; i >= 0; i-- {
			if err := visit(m.deps[i], name); err != nil {
				return err
			}
		}
		state[name] = done
		if !strings.HasSuffix(m.path, ".ko") {
			return fmt.Errorf("resolving modules in %s: compressed module %s is not supported", modDir, m.path)
		}
		p := m.path
		if !filepath.IsAbs(p) {
			p = filepath.Join(abs, p)
		}
		order = append(order, p)
		return nil
	}
	for _, n := range names {
		if err := visit(moduleName(n), ""); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// moduleName normalises a module name or path: basename without .ko
// (and compression suffix), with '-' replaced by '_'.
func moduleName(s string) string {
	s = filepath.Base(s)
	for _, ext := range []string{".xz", ".zst", ".gz"} {
		s = strings.TrimSuffix(s, ext)
	}
	s = strings.TrimSuffix(s, ".ko")
	return strings.ReplaceAll(s, "-", "_")
}

// readDep parses a modules.dep file.
func readDep(path string) (map[string]module, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading module dependencies: %w", err)
	}
	defer f.Close()
	mods := map[string]module{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, rest, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("parsing %s: malformed line %q", path, line)
		}
		m := module{path: strings.TrimSpace(p)}
		for _, d := range strings.Fields(rest) {
			m.deps = append(m.deps, moduleName(d))
		}
		mods[moduleName(m.path)] = m
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return mods, nil
}

// readBuiltin parses modules.builtin; a missing file means none.
func readBuiltin(path string) (map[string]bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading built-in modules: %w", err)
	}
	set := map[string]bool{}
	for _, l := range strings.Fields(string(b)) {
		set[moduleName(l)] = true
	}
	return set, nil
}
