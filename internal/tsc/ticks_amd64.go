package tsc

// ticks reads the TSC (RDTSC).
func ticks() uint64
