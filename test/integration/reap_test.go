package integration

import "golang.org/x/sys/unix"

// reapZombies collects exited orphans that were handed to us as subreaper
// (only those not waited for by os/exec: wait with WNOHANG on any pid would
// race exec.Cmd, so only pids whose status is Z and parent is us).
func reapZombies() {
	for _, pid := range zombieChildren() {
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, unix.WNOHANG, nil)
	}
}

func zombieChildren() []int {
	var pids []int
	self := unix.Getpid()
	dirs, _ := filepathGlob("/proc/[0-9]*/stat")
	for _, f := range dirs {
		pid, ppid, state, ok := readStat(f)
		if ok && ppid == self && state == 'Z' {
			pids = append(pids, pid)
		}
	}
	return pids
}
