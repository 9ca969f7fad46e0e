// Package netsetup gives a VM container its network inside the pod's
// network namespace: a TAP named after the container, and u32 mirred
// redirects between the TAP and the pod interface. Every object is recorded
// before it is made; Undo removes one recorded object, treating "gone" as
// done and touching nothing ukrun did not make.
package netsetup

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Prio is the tc filter priority of ukrun's redirects: filters at other
// priorities are someone else's.
const Prio = 0xC0DE

// aliasPrefix starts the alias of every TAP ukrun makes; the id follows.
const aliasPrefix = "ukrun:"

// TapName derives a TAP name (15 bytes at most) from a container id.
func TapName(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "uk" + hex.EncodeToString(sum[:])[:13]
}

// Alias is the alias of the TAP of container id.
func Alias(id string) string { return aliasPrefix + id }

// OwnerOf returns the container id in a TAP alias, if it is ukrun's.
func OwnerOf(alias string) (string, bool) {
	id, ok := strings.CutPrefix(alias, aliasPrefix)
	return id, ok && id != ""
}
