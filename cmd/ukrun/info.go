package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"
	"github.com/urfave/cli/v2"

	"github.com/ukrun/ukrun/internal/guest/compat"
	"github.com/ukrun/ukrun/internal/oci"
	"github.com/ukrun/ukrun/internal/vmm/backends"
)

var featuresCommand = &cli.Command{
	Name:  "features",
	Usage: "print what this runtime supports, as OCI features JSON",
	Action: func(c *cli.Context) error {
		yes := true
		f := features.Features{
			OCIVersionMin: "1.0.0",
			OCIVersionMax: specs.Version,
			Hooks:         []string{},
			Linux: &features.Linux{
				Namespaces: []string{"network", "ipc", "uts", "pid"},
				Cgroup:     &features.Cgroup{V1: &yes, V2: &yes, Systemd: &yes},
			},
			Annotations: map[string]string{
				"dev.ukrun.version":  version,
				"dev.ukrun.guests":   strings.Join(compat.Names(), ","),
				"dev.ukrun.vmms":     strings.Join(backends.Names(), ","),
				"dev.ukrun.accel":    string(rt.Accel()),
				"dev.ukrun.vm-key":   oci.KeyGuest,
				"dev.ukrun.delegate": "runc (bundles without " + oci.KeyGuest + ")",
			},
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(f)
	},
}

var versionCommand = &cli.Command{
	Name:  "version",
	Usage: "print the version",
	Action: func(c *cli.Context) error {
		fmt.Printf("ukrun version %s\nspec: %s\naccel: %s (%s)\n", version, specs.Version, rt.Accel(), rt.AccelReason())
		fmt.Printf("guest TSC: %s\n", rt.TSCReason())
		return nil
	},
}
