// Command ukinit is the init of a Linux guest: it loads the virtio modules,
// runs the bundle's app from /rootfs with its stdio on virtio-serial ports,
// forwards signals from the monitor and reports the app's exit code.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/guest/proto"
)

// app is the app config, once read.
var app *proto.App

func main() {
	code := run()
	unix.Sync()
	// With QEMU's -no-reboot a restart ends the VM; power-off may only halt.
	// Firecracker ends on restart, Cloud Hypervisor on ACPI power-off.
	cmd := unix.LINUX_REBOOT_CMD_RESTART
	if os.Getenv(proto.PowerOffParam) == "1" {
		cmd = unix.LINUX_REBOOT_CMD_POWER_OFF
	}
	if app != nil && app.ExitDisk != "" {
		quietConsole()
	}
	_ = unix.Reboot(cmd)
	os.Exit(code)
}

func run() int {
	if err := mountBase("/"); err != nil {
		return fail(nil, 255, err)
	}
	var err error
	if app, err = readApp(); err != nil {
		return fail(nil, 255, err)
	}
	if err := loadModules(app.Modules); err != nil {
		return fail(nil, 255, err)
	}
	var ports *ports
	if app.ExitDisk != "" {
		ports, err = consolePorts()
	} else {
		ports, err = openPorts(5 * time.Second)
	}
	if err != nil {
		return fail(nil, 255, err)
	}
	// Asked now, the host's time is here by the time the app starts.
	var ctl *control
	if ports.ctl != nil {
		ctl = readControl(ports.ctl)
	}
	// The app's root after the ports: what fails here (a 9p mount, a bind
	// mount's mount point) reaches the host as the container's error.
	if err := mountRoot(app); err != nil {
		return fail(ports.ctl, 255, err)
	}
	if err := mountBinds(app); err != nil {
		return fail(ports.ctl, 255, err)
	}
	if err := mountBase(proto.RootfsDir); err != nil {
		return fail(ports.ctl, 255, err)
	}
	if err := sealRoot(app); err != nil {
		return fail(ports.ctl, 255, err)
	}
	if err := configureNet(app.Net); err != nil {
		return fail(ports.ctl, 255, fmt.Errorf("configure network: %w", err))
	}
	code, err := runApp(app, ports, ctl)
	if err != nil {
		return fail(ports.ctl, code, err)
	}
	report(ports.ctl, proto.MsgExit, fmt.Sprint(code))
	return code
}

func readApp() (*proto.App, error) {
	b, err := os.ReadFile(proto.AppConfigPath)
	if err != nil {
		return nil, fmt.Errorf("read app config: %w", err)
	}
	var app proto.App
	if err := json.Unmarshal(b, &app); err != nil {
		return nil, fmt.Errorf("parse %s: %w", proto.AppConfigPath, err)
	}
	if len(app.Args) == 0 {
		return nil, errors.New("app config has no args")
	}
	return &app, nil
}

func loadModules(paths []string) error {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("open module: %w", err)
		}
		err = unix.FinitModule(int(f.Fd()), "", 0)
		f.Close()
		if err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("load module %s: %w", p, err)
		}
	}
	return nil
}

// fail reports err on the console and, when the control port is open, to
// the monitor, followed by the exit code.
func fail(ctl *os.File, code int, err error) int {
	fmt.Fprintf(os.Stderr, "ukinit: %v\n", err)
	if ctl != nil {
		report(ctl, proto.MsgError, err.Error())
	}
	report(ctl, proto.MsgExit, fmt.Sprint(code))
	return code
}

// report sends a message to the monitor: on the control port, or for an
// exit without one, on the exit disk.
func report(ctl *os.File, kind, arg string) {
	if ctl == nil {
		if kind == proto.MsgExit && app != nil && app.ExitDisk != "" {
			n, _ := proto.Int(kind, arg)
			if err := writeExitDisk(app.ExitDisk, n); err != nil {
				fmt.Fprintf(os.Stderr, "ukinit: %v\n", err)
			}
		}
		return
	}
	if _, err := ctl.WriteString(proto.Format(kind, arg)); err != nil {
		fmt.Fprintf(os.Stderr, "ukinit: report %s: %v\n", kind, err)
	}
}
