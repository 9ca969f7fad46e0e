package main

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/guest/proto"
)

// consolePorts are the app's stdio when the VMM has no virtio-serial:
// output to the console, no input, no control port.
func consolePorts() (*ports, error) {
	null, err := os.Open("/dev/null")
	if err != nil {
		return nil, err
	}
	// The app's "\n" stays "\n": no output processing on the console.
	if t, err := unix.IoctlGetTermios(1, unix.TCGETS); err == nil {
		t.Oflag &^= unix.OPOST
		unix.IoctlSetTermios(1, unix.TCSETS, t)
	}
	return &ports{stdin: null, stdout: os.Stdout, stderr: os.Stderr}, nil
}

// quietConsole stops kernel messages on the console, which is the app's
// stdout, before the VM ends ("reboot: Power down").
func quietConsole() {
	const syslogActionConsoleOff = 6
	unix.Klogctl(syslogActionConsoleOff, nil)
}

// writeExitDisk puts the exit message at the start of the exit disk, where
// the monitor reads it once the VMM has exited.
func writeExitDisk(dev string, code int) error {
	var f *os.File
	err := waitFor(5*time.Second, func() (err error) {
		f, err = os.OpenFile(dev, os.O_WRONLY, 0)
		return err
	})
	if err != nil {
		return fmt.Errorf("open exit disk: %w", err)
	}
	defer f.Close()
	buf := make([]byte, 512)
	copy(buf, proto.Format(proto.MsgExit, fmt.Sprint(code)))
	if _, err := f.Write(buf); err != nil {
		return fmt.Errorf("write exit disk: %w", err)
	}
	return f.Sync()
}
