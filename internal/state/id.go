// Package state owns a container's directory under the runtime root: its
// state file, its lock, and the record of what ukrun created for it.
package state

import (
	"fmt"
	"regexp"
)

// MaxIDLen bounds container ids (they name files and, later, devices).
const MaxIDLen = 1024

var idPattern = regexp.MustCompile(`^[\w+\-.]+$`)

// ValidateID checks an id as runc does: word characters, '+', '-', '.', no
// path separators, not "." or "..", bounded length.
func ValidateID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("container id is empty")
	case len(id) > MaxIDLen:
		return fmt.Errorf("invalid container id %.40q...: longer than %d bytes", id, MaxIDLen)
	case id == "." || id == ".." || !idPattern.MatchString(id):
		return fmt.Errorf("invalid container id %q: want letters, digits, '_', '+', '-', '.'", id)
	}
	return nil
}
