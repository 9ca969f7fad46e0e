//go:build linux && amd64

package accel

import (
	"runtime"
	"testing"
	"time"
	"unsafe"
)

func TestKVMLayouts(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"kvm_regs", unsafe.Sizeof(kvmRegs{}), 144},
		{"kvm_segment", unsafe.Sizeof(kvmSegment{}), 24},
		{"kvm_dtable", unsafe.Sizeof(kvmDtable{}), 16},
		{"kvm_sregs", unsafe.Sizeof(kvmSregs{}), 312},
		{"kvm_userspace_memory_region", unsafe.Sizeof(kvmMemRegion{}), 32},
		{"KVM_SET_USER_MEMORY_REGION", kvmSetUserMemRegion, 0x4020ae46},
		{"KVM_RUN", kvmRun, 0xae80},
		{"KVM_GET_REGS", kvmGetRegs, 0x8090ae81},
		{"KVM_SET_REGS", kvmSetRegs, 0x4090ae82},
		{"KVM_GET_SREGS", kvmGetSregs, 0x8138ae83},
		{"KVM_SET_SREGS", kvmSetSregs, 0x4138ae84},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
}

// TestProbeTimeout checks the timeout path and that the probe goroutine ends
// (the 100 ms case exercises the SIGURG kick on slow hosts; it only logs).
func TestProbeTimeout(t *testing.T) {
	old := probeTimeout
	t.Cleanup(func() { probeTimeout = old })
	for _, d := range []time.Duration{time.Microsecond, 100 * time.Millisecond} {
		before := runtime.NumGoroutine()
		probeTimeout = d
		start := time.Now()
		r := Probe()
		for runtime.NumGoroutine() > before && time.Since(start) < 3*time.Second {
			time.Sleep(time.Millisecond)
		}
		t.Logf("timeout %v: %+v; goroutines %d -> %d after %v",
			d, r, before, runtime.NumGoroutine(), time.Since(start))
		if d == time.Microsecond && r.Reason != "KVM probe timed out" && r.Reason != "/dev/kvm missing" {
			t.Errorf("got %+v", r)
		}
	}
}
