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
	devs, ok := portsInOrder()
	if !ok {
		devs = map[string]string{}
		dirs, _ := filepath.Glob(portClass + "/*")
		for _, d := range dirs {
			node := filepath.Base(d)
			if name, ok := portName(node); ok {
				devs[name] = "/dev/" + node
			}
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
		if name, ok := portName(node); !ok || name != want {
			return nil, false
		}
		devs[want] = "/dev/" + node
	}
	return devs, true
}

const portClass = "/sys/class/virtio-ports"

// portName is the name of the port at node, once its /dev node is there.
func portName(node string) (string, bool) {
	b, err := os.ReadFile(portClass + "/" + node + "/name")
	if err != nil {
		return "", false
	}
	if _, err := os.Stat("/dev/" + node); err != nil {
		return "", false
	}
	return strings.TrimSpace(string(b)), true
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
