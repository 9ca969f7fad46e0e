// Command ukrun is an OCI runtime that runs each container as a VM.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

func main() {
	app := &cli.App{
		Name:                 "ukrun",
		Usage:                "run OCI containers as single-application virtual machines",
		Version:              version,
		HideVersion:          true,
		EnableBashCompletion: false,
		Flags:                globalFlags,
		Before:               setup,
		Commands: []*cli.Command{
			createCommand, startCommand, runCommand, stateCommand, killCommand,
			deleteCommand, listCommand, psCommand, featuresCommand, versionCommand,
			pauseCommand, resumeCommand, updateCommand, execCommand, gcCommand,
		},
		CommandNotFound: func(c *cli.Context, name string) {
			if name == "pack" {
				fail(errors.New(`unknown command "pack": images are packed by ukrun-pack, installed next to ukrun`))
			}
			fail(fmt.Errorf("unknown command %q (see ukrun --help)", name))
		},
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return fmt.Errorf("bad arguments: %w", err)
		},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	err := app.Run(os.Args)
	var ec exitCode
	switch {
	case errors.As(err, &ec):
		closeLog()
		os.Exit(int(ec))
	case err != nil:
		fail(err)
	}
	closeLog()
}

// exitCode ends ukrun with a status and no message: the app's exit code.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// fail reports err on stderr and in the log, and exits 1.
func fail(err error) {
	if logger != nil {
		logger.Error(err.Error())
	}
	fmt.Fprintln(os.Stderr, "ukrun:", err)
	closeLog()
	os.Exit(1)
}
