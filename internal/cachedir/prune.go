// Package cachedir keeps ukrun's caches bounded: each entry is named by the
// content it came from, so every new ukinit or module set adds one, and the
// least recently used go once a cache holds more than it keeps.
package cachedir

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ukrun/ukrun/internal/atomicfile"
)

// Prune removes the entries of dir matching pattern (a filepath.Match
// pattern of base names), oldest modification first, until keep remain,
// counting newest (the entry just made, which stays whatever its time)
// when it is there. Callers mark an entry they use with Hit so that it
// counts as new. It reports every entry it failed to remove.
func Prune(dir, pattern string, keep int, newest string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("prune cache %s: %w", dir, err)
	}
	type entry struct {
		name string
		mod  int64
	}
	var es []entry
	for _, e := range ents {
		ok, err := filepath.Match(pattern, e.Name())
		if err != nil {
			return fmt.Errorf("prune cache %s: %w", dir, err)
		}
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if e.Name() == newest {
			keep-- // it stays, and counts
			continue
		}
		if info, err := e.Info(); err == nil {
			es = append(es, entry{e.Name(), info.ModTime().UnixNano()})
		}
	}
	keep = max(keep, 0)
	if len(es) <= keep {
		return nil
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(b.mod, a.mod) }) // newest first
	var errs []error
	for _, e := range es[keep:] {
		if err := os.Remove(filepath.Join(dir, e.name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Hit marks an entry found in the cache as used, so that Prune keeps it
// over older ones: its modification time moves to now when it is more
// than an hour old (a write per hour at most, not one per container).
func Hit(path string, info os.FileInfo) {
	if time.Since(info.ModTime()) > time.Hour {
		now := time.Now()
		os.Chtimes(path, now, now)
	}
}

// WriteJSON writes v as the JSON file path, atomically, in a cache
// directory made if missing and kept to its owner.
func WriteJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.WriteVolatile(path, b, 0o600)
}
