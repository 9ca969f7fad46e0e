package main

import (
	"github.com/urfave/cli/v2"
)

var createFlags = []cli.Flag{
	&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "path to the OCI bundle"},
	&cli.StringFlag{Name: "pid-file", Usage: "file to write the container's pid to"},
	&cli.StringFlag{Name: "console-socket", Usage: "unix socket that receives the pty master"},
	&cli.BoolFlag{Name: "no-pivot", Usage: "accepted for runc compatibility"},
	&cli.BoolFlag{Name: "no-new-keyring", Usage: "accepted for runc compatibility"},
}

var createCommand = &cli.Command{
	Name:      "create",
	Usage:     "create a container; its VM waits for start",
	ArgsUsage: "<container-id>",
	Flags:     createFlags,
	Action: func(c *cli.Context) error {
		mon, err := create(c)
		if mon != nil {
			mon.Release() // the subreaper reaps it
		}
		return err
	},
}
