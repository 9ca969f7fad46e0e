package container

import (
	"fmt"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ukrun/ukrun/internal/state"
)

// Update records new memory and CPU limits for a VM container. The guest
// keeps the memory and vCPUs it booted with; anything else a cgroup could
// limit is refused with an error naming it.
func (r *Runtime) Update(id string, res *specs.LinuxResources) error {
	if err := vmUpdatable(res); err != nil {
		return err
	}
	c, st, err := r.open(id)
	if err != nil {
		return err
	}
	defer c.Unlock()
	if s := st.Derive(); s == state.Stopped {
		return fmt.Errorf("cannot update container %s: it is stopped", id)
	}
	st.Limits = &state.Limits{Memory: res.Memory, CPU: res.CPU}
	return c.Save(st)
}

// vmUpdatable refuses resource changes a VM container cannot honour.
func vmUpdatable(res *specs.LinuxResources) error {
	var bad []string
	if len(res.Devices) > 0 {
		bad = append(bad, "devices")
	}
	if res.Pids != nil {
		bad = append(bad, "pids")
	}
	if res.BlockIO != nil {
		bad = append(bad, "blockIO")
	}
	if len(res.HugepageLimits) > 0 {
		bad = append(bad, "hugepageLimits")
	}
	if res.Network != nil {
		bad = append(bad, "network")
	}
	if len(res.Rdma) > 0 {
		bad = append(bad, "rdma")
	}
	if len(res.Unified) > 0 {
		bad = append(bad, "unified")
	}
	if len(bad) > 0 {
		return fmt.Errorf("update of %s is not supported for VM containers (memory and cpu are)", strings.Join(bad, ", "))
	}
	return nil
}
