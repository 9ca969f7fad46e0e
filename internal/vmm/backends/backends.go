// Package backends names every VMM backend ukrun has.
package backends

import (
	"fmt"
	"strings"

	"github.com/ukrun/ukrun/internal/vmm"
	"github.com/ukrun/ukrun/internal/vmm/cloudhypervisor"
	"github.com/ukrun/ukrun/internal/vmm/firecracker"
	"github.com/ukrun/ukrun/internal/vmm/qemu"
	"github.com/ukrun/ukrun/internal/vmm/solo5"
)

// all is every backend, in the order the docs list them.
var all = []vmm.Backend{
	qemu.Backend{},
	firecracker.Backend{},
	cloudhypervisor.Backend{},
	solo5.Backend{Tender: solo5.HVT},
	solo5.Backend{Tender: solo5.SPT},
}

// Get returns the backend named name (the dev.ukrun.vmm value).
func Get(name string) (vmm.Backend, error) {
	for _, b := range all {
		if b.Name() == name {
			return b, nil
		}
	}
	return nil, fmt.Errorf("unknown VMM %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Names lists the backends' names.
func Names() []string {
	var out []string
	for _, b := range all {
		out = append(out, b.Name())
	}
	return out
}
