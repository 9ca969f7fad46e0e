package unikernel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

type rumprun struct{}

func init() { register(rumprun{}) }

func (rumprun) Name() string { return "rumprun" }

// rumpNet is rumprun's "net" object; all values are strings.
type rumpNet struct {
	If     string `json:"if"`
	Cloner string `json:"cloner"`
	Type   string `json:"type"`
	Method string `json:"method"`
	Addr   string `json:"addr"`
	Mask   string `json:"mask"` // prefix length
	Gw     string `json:"gw,omitempty"`
}

// rumpBlk is rumprun's "blk" object; without a mountpoint nothing is mounted.
type rumpBlk struct {
	Source     string `json:"source"`
	Path       string `json:"path"`
	FSType     string `json:"fstype"`
	MountPoint string `json:"mountpoint,omitempty"`
}

// Cmdline is the JSON config rumprun reads from its command line.
func (rumprun) Cmdline(r Request) (string, error) {
	if err := check("rumprun", r, true, false); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	var err error
	// rumprun's parser passes JSON escapes through raw, so keep &, <, >.
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	put := func(v any) {
		if err == nil {
			if err = enc.Encode(v); err == nil {
				buf.Truncate(buf.Len() - 1) // Encode's newline
			}
		}
	}
	// "env" repeats, one key per variable, which a Go map or struct cannot
	// hold, so the object is written key by key in rumprun's usual order.
	add := func(key string, v any) {
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		put(key)
		buf.WriteByte(':')
		put(v)
	}
	buf.WriteByte('{')
	add("cmdline", r.App)
	for _, e := range r.Env {
		add("env", e)
	}
	if n := r.Net; n != nil {
		// Solo5 (hvt, spt) names the NIC ukvmif0 and it must be created.
		rn := rumpNet{If: "ukvmif0", Cloner: "True", Type: "inet", Method: "static",
			Addr: ip4(n.IP), Mask: strconv.Itoa(n.PrefixLen)}
		if n.Gateway != nil {
			rn.Gw = ip4(n.Gateway)
		}
		add("net", rn)
	}
	if b := r.Block; b != nil {
		// Solo5's single block device shows up as ld0, partition a.
		add("blk", rumpBlk{Source: "etfs", Path: "/dev/ld0a", FSType: "blk", MountPoint: b.MountPoint})
	}
	buf.WriteByte('}')
	if err != nil {
		return "", fmt.Errorf("rumprun: %w", err)
	}
	return buf.String(), nil
}
