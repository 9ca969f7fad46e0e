package main

import "time"

// waitFor calls try every 10 ms until it succeeds or timeout has passed,
// and returns its last error: devices the kernel probes appear shortly
// after init starts.
func waitFor(timeout time.Duration, try func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := try()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}
