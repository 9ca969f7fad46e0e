package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ukrun/ukrun/internal/guest/linux"
	"github.com/ukrun/ukrun/internal/guest/linux/kernel"
)

// bootSpeedup runs the same app with the host's Debian kernel and with
// ukrun's own kernel, interleaved, and returns the median times to the
// app's first output.
func (b *bench) bootSpeedup(work string) (debian, own float64, err error) {
	debianKernel, _, err := kernel.Newest("/boot")
	if err != nil {
		return 0, 0, err
	}
	if _, err := os.Stat(linux.OwnKernel); err != nil {
		return 0, 0, fmt.Errorf("own kernel: %w (make kernel)", err)
	}
	cfgs := map[string]string{}
	for name, k := range map[string]string{"debian": debianKernel, "own": linux.OwnKernel} {
		cfgs[name] = filepath.Join(work, name+".toml")
		if err := os.WriteFile(cfgs[name], []byte(fmt.Sprintf("kernel = %q\n", k)), 0o644); err != nil {
			return 0, 0, err
		}
	}
	times := map[string][]float64{}
	for i := 0; i < rounds; i++ {
		for _, name := range inTurn(i, "debian", "own") {
			d, err := firstOutput(b.ukrun("--config", cfgs[name], "run", "--bundle", b.bundle, fmt.Sprintf("%s%d", name, i)))
			if err != nil {
				return 0, 0, fmt.Errorf("%s kernel: %w", name, err)
			}
			times[name] = append(times[name], ms(d))
		}
	}
	return median(times["debian"]), median(times["own"]), nil
}
