package monitor

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// nsTypes are the namespaces a plan may hand the VMM (Plan.Namespaces).
var nsTypes = map[string]int{"net": unix.CLONE_NEWNET, "ipc": unix.CLONE_NEWIPC, "uts": unix.CLONE_NEWUTS}

// joinNamespaces moves the calling thread, the main one that forks the VMM,
// into the plan's namespaces, and closes their files.
func joinNamespaces(names []string, files []*os.File) error {
	defer closeAll(files)
	for i, f := range files {
		t, ok := nsTypes[names[i]]
		if !ok {
			return fmt.Errorf("join namespace: unknown kind %q", names[i])
		}
		if err := unix.Setns(int(f.Fd()), t); err != nil {
			return fmt.Errorf("join %s namespace: %w", names[i], err)
		}
	}
	return nil
}
