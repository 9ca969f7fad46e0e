// Command containerd-shim-ukrun-v2 is containerd's runc shim (task API v2,
// which containerd 1.6, 1.7 and 2.x all drive) with ukrun as its runtime
// binary by default: runtime type io.containerd.ukrun.v2.
package main

import (
	"context"

	"github.com/containerd/containerd/runtime/v2/runc/manager"
	_ "github.com/containerd/containerd/runtime/v2/runc/pause"
	"github.com/containerd/containerd/runtime/v2/shim"
)

// RuntimeType is the name containerd knows this shim by.
const RuntimeType = "io.containerd.ukrun.v2"

func main() {
	shim.RunManager(context.Background(), manager.NewShimManager(RuntimeType))
}
