package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

var psCommand = idCommand(&cli.Command{
	Name:  "ps",
	Usage: "list the processes of a container (the monitor and the VMM)",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "table or json"},
	},
}, func(c *cli.Context, id string) error {
	pids, err := rt.Pids(id)
	if err != nil {
		return err
	}
	switch c.String("format") {
	case "json":
		return json.NewEncoder(os.Stdout).Encode(pids)
	case "table":
		fmt.Println("PID\tCMD")
		for _, p := range pids {
			cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p))
			fmt.Printf("%d\t%s", p, cmd)
		}
		return nil
	}
	return fmt.Errorf("invalid --format %q: want table or json", c.String("format"))
})
