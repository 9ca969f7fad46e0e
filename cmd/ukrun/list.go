package main

import (
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ukrun/ukrun/internal/state"
)

// listEntry is one row of `list`, in runc's JSON shape.
type listEntry struct {
	ID          string            `json:"id"`
	Pid         int               `json:"pid"`
	Status      string            `json:"status"`
	Bundle      string            `json:"bundle"`
	Created     time.Time         `json:"created"`
	Owner       string            `json:"owner"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

var listCommand = &cli.Command{
	Name:  "list",
	Usage: "list the VM containers under --root",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "table or json"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "ids only"},
	},
	Action: func(c *cli.Context) error {
		ids, err := state.List(rt.Root)
		if err != nil {
			return err
		}
		entries := []listEntry{}
		for _, id := range ids {
			if delegated(id) {
				continue // runc's own list shows these with --root <root>/<id>/runc
			}
			s, st, err := rt.OCIState(id)
			if err != nil {
				continue // deleted meanwhile, or being created
			}
			entries = append(entries, listEntry{ID: s.ID, Pid: s.Pid, Status: string(s.Status),
				Bundle: s.Bundle, Created: st.Created, Owner: "root", Annotations: s.Annotations})
		}
		return printList(c, entries)
	},
}

func printList(c *cli.Context, entries []listEntry) error {
	switch {
	case c.Bool("quiet"):
		for _, e := range entries {
			fmt.Println(e.ID)
		}
	case c.String("format") == "json":
		return json.NewEncoder(os.Stdout).Encode(entries)
	case c.String("format") == "table":
		w := tabwriter.NewWriter(os.Stdout, 12, 1, 3, ' ', 0)
		fmt.Fprint(w, "ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER\n")
		for _, e := range entries {
			fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\n", e.ID, e.Pid, e.Status, e.Bundle, e.Created.Format(time.RFC3339Nano), e.Owner)
		}
		return w.Flush()
	default:
		return fmt.Errorf("invalid --format %q: want table or json", c.String("format"))
	}
	return nil
}
