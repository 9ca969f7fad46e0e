package state

import (
	"encoding/json"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Limits keep the wire format of the specs.LinuxResources they hold part
// of, so a state file written before reads the same.
func TestLimitsKeepTheSpecKeys(t *testing.T) {
	limit, quota := int64(512<<20), int64(50000)
	old, _ := json.Marshal(State{Head: Head{ID: "a"}})
	old = []byte(strings.Replace(string(old), `"id":"a"`,
		`"id":"a","limits":`+mustJSON(t, specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}, CPU: &specs.LinuxCPU{Quota: &quota}}), 1))
	var st State
	if err := json.Unmarshal(old, &st); err != nil {
		t.Fatal(err)
	}
	if st.Limits == nil || st.Limits.Memory == nil || st.Limits.CPU == nil || *st.Limits.Memory.Limit != limit || *st.Limits.CPU.Quota != quota {
		t.Fatalf("limits read back as %+v", st.Limits)
	}
	if got := mustJSON(t, st.Limits); got != `{"memory":{"limit":536870912},"cpu":{"quota":50000}}` {
		t.Errorf("limits written as %s", got)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
