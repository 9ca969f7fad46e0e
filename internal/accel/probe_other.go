//go:build !(linux && amd64)

package accel

import "runtime"

// Probe always reports TCG: the KVM probe is only implemented on linux/amd64.
func Probe() Result {
	return Result{Accel: "tcg", Reason: "KVM probe unsupported on " + runtime.GOOS + "/" + runtime.GOARCH}
}
