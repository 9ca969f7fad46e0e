package main

import (
	"math"
	"testing"
)

func TestMedianSE(t *testing.T) {
	v := make([]float64, 100)
	for i := range v {
		v[99-i] = float64(i) // order does not matter
	}
	// Uniform on 0..99: 1/(2 f sqrt(n)) = 100/(2*10) = 5.
	if got := medianSE(v); got != 5 {
		t.Errorf("medianSE(0..99) = %v, want 5", got)
	}
	if got := medianSE([]float64{1}); !math.IsNaN(got) {
		t.Errorf("medianSE of one value = %v, want NaN", got)
	}
}
