package integration

import (
	"strings"
	"testing"
)

// A Linux guest has an entropy device on both kernels, so its random
// numbers are ready at boot instead of after the kernel has gathered
// timing jitter (about a second under TCG).
func TestGuestHasEntropyDevice(t *testing.T) {
	onEachKernel(t, func(t *testing.T, name string, e *env, cfg string) {
		b := bundle(t, []string{"file=/sys/class/misc/hw_random/rng_current", "exit=0"}, nil)
		r := e.ukrun("", "--config", cfg, "run", "--bundle", b, "rng")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "virtio_rng") {
			t.Fatalf("the guest's hardware RNG: %+v", r)
		}
	})
}
