package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// ratioRounds of raw QEMU and ukrun boots give start_ratio. A boot's time
// varies by ±50 ms here, from the host: over five runs of 200 rounds the
// median of the rounds' own differences (start_overhead_ms) moved from 4
// to 20 ms and the ratio of the two medians from 1.000 to 1.054. Resampling
// those 1000 rounds, the ratio's spread is 0.011 with 200 rounds and 0.007
// with 400.
const ratioRounds = 400

// startRatio boots the same guest with raw QEMU and with ukrun run in
// turn and returns the times to the app's first output, in ms. Its app
// exits once it has written, so that a round takes no longer than needed.
func (b *bench) startRatio(work string) (raw, uk []float64, err error) {
	rb := *b
	if rb.bundle, err = makeBundleArgs(filepath.Join(work, "ratio-bundle"), b.bin, "testapp", "out=up", "exit=0"); err != nil {
		return nil, nil, err
	}
	argv, initrd, err := rb.rawArgv(work)
	if err != nil {
		return nil, nil, err
	}
	// Warm the caches (kernel extraction, initrd base, accel probe), and
	// boot once so that every measured boot follows another boot: one that
	// follows the kill of a paused VM (rawArgv, lifecycle) was 75 ms
	// slower in the median on this host.
	if _, err := rb.ukrunFirstOutput("warm"); err != nil {
		return nil, nil, err
	}
	for i := 0; i < ratioRounds; i++ {
		for _, which := range inTurn(i, "raw", "ukrun") {
			if which == "raw" {
				d, err := rawFirstOutput(argv, initrd)
				if err != nil {
					return nil, nil, fmt.Errorf("raw qemu: %w", err)
				}
				raw = append(raw, ms(d))
			} else {
				d, err := rb.ukrunFirstOutput(fmt.Sprintf("run%d", i))
				if err != nil {
					return nil, nil, fmt.Errorf("ukrun run: %w", err)
				}
				uk = append(uk, ms(d))
			}
		}
		fmt.Fprintf(os.Stderr, "round %d: raw %.0f ms, ukrun %.0f ms\n", i+1, raw[i], uk[i])
	}
	return raw, uk, nil
}
