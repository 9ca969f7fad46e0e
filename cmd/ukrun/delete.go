package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ukrun/ukrun/internal/runc"
	"github.com/ukrun/ukrun/internal/state"
)

var deleteCommand = &cli.Command{
	Name:      "delete",
	Usage:     "delete a container and everything ukrun made for it",
	ArgsUsage: "<container-id>",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "stop a running container; an unknown id is not an error"},
	},
	Action: func(c *cli.Context) error {
		id, err := oneID(c)
		if err != nil {
			return err
		}
		force := c.Bool("force")
		ct, err := state.Open(rt.Root, id)
		if errors.Is(err, state.ErrNotExist) && force {
			return nil
		}
		if err != nil {
			return err
		}
		if runc.Delegated(rt.Root, id) {
			return runcDelete(c, ct)
		}
		return rt.Delete(ct, force)
	},
}

// runcDelete asks runc to delete, then removes ukrun's directory.
func runcDelete(c *cli.Context, ct *state.Container) error {
	code, err := delegate(c, ct.ID).Run(rt.Root, ct.ID, commandArgs())
	if err != nil {
		ct.Unlock()
		return err
	}
	if code != 0 && runc.Knows(rt.Root, ct.ID) {
		ct.Unlock()
		return fmt.Errorf("runc delete failed with exit status %d", code)
	}
	return ct.Remove()
}
