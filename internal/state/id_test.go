package state

import (
	"regexp"
	"testing"
)

// The hand-written check accepts exactly what runc's id pattern does.
func TestIDCharsMatchRuncPattern(t *testing.T) {
	runc := regexp.MustCompile(`^[\w+\-.]+$`)
	var ids []string
	for b := 1; b < 256; b++ {
		ids = append(ids, "a"+string(rune(b))+"b", "a"+string([]byte{byte(b)})+"b")
	}
	ids = append(ids, "é", "a\u00a0b", "x\xff", "ok-1.2+3_4")
	for _, id := range ids {
		if got, want := ValidateID(id) == nil, runc.MatchString(id); got != want {
			t.Errorf("ValidateID(%q) accepts: %v, runc's pattern: %v", id, got, want)
		}
	}
}
