package main

import (
	"github.com/urfave/cli/v2"

	"github.com/ukrun/ukrun/internal/monitor"
)

// monitorCommand is ukrun re-executed by create: not for people.
var monitorCommand = &cli.Command{
	Name:      "monitor",
	Hidden:    true,
	ArgsUsage: "<container-id>",
	Action: func(c *cli.Context) error {
		return exitCode(monitor.Main(logger))
	},
}
