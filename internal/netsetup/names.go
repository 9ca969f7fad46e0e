// Package netsetup gives a VM container its network inside the pod's
// network namespace: a TAP named after the container, and u32 mirred
// redirects between the TAP and the pod interface. Every object is recorded
// before it is made; Undo removes one recorded object, treating "gone" as
// done and touching nothing ukrun did not make.
package netsetup

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// Prio is the tc filter priority of ukrun's redirects: filters at other
// priorities are someone else's.
const Prio = 0xC0DE

// aliasPrefix starts the alias of every TAP ukrun makes; the id follows.
const aliasPrefix = "ukrun:"

// TapName derives a TAP name (15 bytes at most) from a container id: 52
// bits of its FNV-1a hash. A clash is refused, never taken over: a TAP is
// ukrun's only by its alias. (Not crypto/sha256: its package inits cost
// the monitor's start 0.1 ms.)
func TapName(id string) string {
	h := fnv.New64a()
	h.Write([]byte(id))
	return fmt.Sprintf("uk%013x", h.Sum64()>>12)
}

// Alias is the alias of the TAP of container id.
func Alias(id string) string { return aliasPrefix + id }

// OwnerOf returns the container id in a TAP alias, if it is ukrun's.
func OwnerOf(alias string) (string, bool) {
	id, ok := strings.CutPrefix(alias, aliasPrefix)
	return id, ok && id != ""
}
