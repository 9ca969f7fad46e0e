package unikernel

import (
	"fmt"
	"strconv"
	"strings"
)

// unikraftNewStyle is the first Unikraft release taking netdev.ip= and
// vfs.fstab= (v0.16.1); older ones take netdev.ipv4_* and vfs.rootfs=.
var unikraftNewStyle = [3]int{0, 16, 1}

type unikraft struct{}

func init() { register(unikraft{}) }

func (unikraft) Name() string { return "unikraft" }

// Cmdline is "<argv0> <library params> -- <app>"; Unikraft skips argv0.
func (unikraft) Cmdline(r Request) (string, error) {
	// urunc feeds Unikraft data by initrd only, never by a block device.
	if err := check("unikraft", r, false, true); err != nil {
		return "", err
	}
	args := []string{"Unikraft"}
	if unikraftIsOld(r.Version) {
		args = append(args, unikraftOldParams(r)...)
	} else {
		env, err := unikraftEnv(r.Env)
		if err != nil {
			return "", err
		}
		args = append(append(args, env), unikraftNewParams(r)...)
	}
	return join(append(args, "--", r.App)...), nil
}

// unikraftNewParams: netdev.ip=CIDR[:GW] (later fields, DNS etc., left out).
func unikraftNewParams(r Request) []string {
	var p []string
	if n := r.Net; n != nil {
		ip := "netdev.ip=" + cidr(n)
		if n.Gateway != nil {
			ip += ":" + ip4(n.Gateway)
		}
		p = append(p, ip)
	}
	if r.Initrd {
		p = append(p, `vfs.fstab=[ "initrd0:/:extract:::" ]`)
	}
	return p
}

// unikraftOldParams: pre-0.16.1 options; these releases take no env.vars.
func unikraftOldParams(r Request) []string {
	var p []string
	if n := r.Net; n != nil {
		p = append(p, "netdev.ipv4_addr="+ip4(n.IP))
		if n.Gateway != nil {
			p = append(p, "netdev.ipv4_gw_addr="+ip4(n.Gateway))
		}
		p = append(p, "netdev.ipv4_subnet_mask="+dottedMask(n.PrefixLen))
	}
	if r.Initrd {
		p = append(p, "vfs.rootfs=initrd")
	}
	return p
}

// unikraftEnv is env.vars=[ ... ]; an entry with blanks is quoted, as
// Unikraft's argument splitter groups quoted text and drops the quotes.
func unikraftEnv(env []string) (string, error) {
	if len(env) == 0 {
		return "", nil
	}
	vars := make([]string, len(env))
	for i, e := range env {
		switch {
		case !strings.ContainsAny(e, " \t\r\n\v\"'"):
			vars[i] = e
		case !strings.Contains(e, `"`):
			vars[i] = `"` + e + `"`
		case !strings.Contains(e, "'"):
			vars[i] = "'" + e + "'"
		default:
			return "", fmt.Errorf("unikraft: env %q holds both quote kinds", e)
		}
	}
	return "env.vars=[ " + strings.Join(vars, " ") + " ]", nil
}

// unikraftIsOld reports whether v predates unikraftNewStyle. Like urunc, an
// empty or unparsable version means the newest style; a pre-release
// (0.16.1-rc1) sorts before its release.
func unikraftIsOld(v string) bool {
	v = strings.TrimPrefix(v, "v")
	v, _, _ = strings.Cut(v, "+")
	core, pre, _ := strings.Cut(v, "-")
	parts := strings.Split(core, ".")
	if v == "" || len(parts) > 3 {
		return false
	}
	var got [3]int
	for i, s := range parts {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return false
		}
		got[i] = n
	}
	for i := range got {
		if got[i] != unikraftNewStyle[i] {
			return got[i] < unikraftNewStyle[i]
		}
	}
	return pre != ""
}
