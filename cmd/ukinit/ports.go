package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ukrun/ukrun/internal/guest/proto"
)

// ports are the virtio-serial ports that carry the app's stdio and control.
type ports struct {
	ctl, stdin, stdout, stderr *os.File
}

// openPorts waits for the monitor's ports to appear and opens them.
func openPorts(timeout time.Duration) (*ports, error) {
	var devs map[string]string
	err := waitFor(timeout, func() (err error) {
		devs, err = findPorts()
		return err
	})
	if err != nil {
		return nil, err
	}
	return openAll(devs)
}

// findPorts maps port names to /dev nodes via /sys/class/virtio-ports:
// each where the host's order puts it, else by a search.
func findPorts() (map[string]string, error) {
	if devs, ok := portsInOrder(); ok {
		return devs, nil
	}
	names, _ := filepath.Glob("/sys/class/virtio-ports/*/name")
	devs := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			continue
		}
		dev := "/dev/" + filepath.Base(filepath.Dir(n))
		if _, err := os.Stat(dev); err == nil {
			devs[strings.TrimSpace(string(b))] = dev
		}
	}
	for _, want := range proto.Ports {
		if devs[want] == "" {
			return nil, fmt.Errorf("virtio-serial port %s not found", want)
		}
	}
	return devs, nil
}

// portsInOrder finds the ports at the nodes QEMU gives them (proto.Ports),
// each name checked: under TCG listing the class directory costs 5 ms.
func portsInOrder() (map[string]string, bool) {
	devs := map[string]string{}
	for i, want := range proto.Ports {
		node := fmt.Sprintf("vport0p%d", i+1)
		b, err := os.ReadFile("/sys/class/virtio-ports/" + node + "/name")
		if err != nil || strings.TrimSpace(string(b)) != want {
			return nil, false
		}
		if _, err := os.Stat("/dev/" + node); err != nil {
			return nil, false
		}
		devs[want] = "/dev/" + node
	}
	return devs, true
}

func openAll(devs map[string]string) (*ports, error) {
	var p ports
	for _, o := range []struct {
		name string
		flag int
		f    **os.File
	}{
		{proto.PortCtl, os.O_RDWR, &p.ctl},
		{proto.PortStdin, os.O_RDONLY, &p.stdin},
		{proto.PortStdout, os.O_WRONLY, &p.stdout},
		{proto.PortStderr, os.O_WRONLY, &p.stderr},
	} {
		f, err := os.OpenFile(devs[o.name], o.flag, 0)
		if err != nil {
			return nil, fmt.Errorf("open port %s: %w", o.name, err)
		}
		*o.f = f
	}
	return &p, nil
}
