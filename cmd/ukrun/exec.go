package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

var execCommand = &cli.Command{
	Name:      "exec",
	Usage:     "run a process in a runc container (not supported for VM containers)",
	ArgsUsage: "<container-id> [command...]",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "process", Aliases: []string{"p"}},
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}},
		&cli.StringFlag{Name: "pid-file"},
		&cli.StringFlag{Name: "console-socket"},
		&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}},
		&cli.StringFlag{Name: "cwd"},
		&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}},
	},
	Action: func(c *cli.Context) error {
		if c.NArg() < 1 {
			return fmt.Errorf("exec: want a container id")
		}
		id := c.Args().First()
		if delegated(id) {
			return delegate(c, id).Exec(rt.Root, id, commandArgs())
		}
		if _, _, err := rt.OCIState(id); err != nil {
			return err
		}
		return fmt.Errorf("exec in container %s: not supported for VM containers (the app is the VM's only process)", id)
	},
}
