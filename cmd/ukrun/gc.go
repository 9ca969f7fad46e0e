package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

var gcCommand = &cli.Command{
	Name:  "gc",
	Usage: "list (and with --apply remove) network objects of containers that no longer exist",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "apply", Usage: "remove what is listed"},
	},
	Action: func(c *cli.Context) error {
		lines, err := rt.GC(c.Bool("apply"))
		verb := "stale"
		if c.Bool("apply") {
			verb = "removed"
		}
		for _, l := range lines {
			fmt.Printf("%s %s\n", verb, l)
		}
		return err
	},
}
