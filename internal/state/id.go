// Package state owns a container's directory under the runtime root: its
// state file, its lock, and the record of what ukrun created for it.
package state

import (
	"fmt"
	"strings"
)

// MaxIDLen bounds container ids (they name files and, later, devices).
const MaxIDLen = 1024

// ValidateID checks an id as runc does: word characters, '+', '-', '.', no
// path separators, not "." or "..", bounded length.
func ValidateID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("container id is empty")
	case len(id) > MaxIDLen:
		return fmt.Errorf("invalid container id %.40q...: longer than %d bytes", id, MaxIDLen)
	case id == "." || id == ".." || strings.IndexFunc(id, notIDChar) >= 0:
		return fmt.Errorf("invalid container id %q: want letters, digits, '_', '+', '-', '.'", id)
	}
	return nil
}

// notIDChar reports a rune outside runc's id pattern `^[\w+\-.]+$` (a
// package-level regexp would be compiled at every ukrun and monitor start).
func notIDChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("_+-.", r)
}
