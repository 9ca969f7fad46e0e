//go:build !amd64

package tsc

// ticks is 0 where there is no TSC.
func ticks() uint64 { return 0 }
