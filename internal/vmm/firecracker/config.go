package firecracker

import (
	"bytes"
	"encoding/json"
)

// config is the file given to --config-file: Firecracker's VmmConfig.
// "drives" has no default in Firecracker, so it is always written.
type config struct {
	BootSource bootSource `json:"boot-source"`
	Drives     []drive    `json:"drives"`
	Machine    machine    `json:"machine-config"`
	Net        []iface    `json:"network-interfaces"`
}

type bootSource struct {
	Kernel string `json:"kernel_image_path"`
	// BootArgs is always written: left out, Firecracker substitutes its
	// own default, which turns the serial console off (8250.nr_uarts=0).
	BootArgs string `json:"boot_args"`
	Initrd   string `json:"initrd_path,omitempty"`
}

type drive struct {
	ID       string `json:"drive_id"`
	Path     string `json:"path_on_host"`
	Root     bool   `json:"is_root_device"`
	ReadOnly bool   `json:"is_read_only"`
}

type machine struct {
	VCPUs  int  `json:"vcpu_count"`
	MemMiB int  `json:"mem_size_mib"`
	SMT    bool `json:"smt"`
}

type iface struct {
	ID  string `json:"iface_id"`
	Tap string `json:"host_dev_name"`
	MAC string `json:"guest_mac"`
}

// encode renders c as indented JSON without HTML escaping.
func (c config) encode() ([]byte, error) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	e.SetIndent("", "  ")
	if err := e.Encode(c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
