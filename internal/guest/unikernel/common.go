package unikernel

import (
	"fmt"
	"net"
	"strings"
)

// checkNet rejects addressing a guest cannot express: IPv4 only, prefix 0..32.
func checkNet(guest string, n *Net) error {
	if n == nil {
		return nil
	}
	if n.IP.To4() == nil {
		return fmt.Errorf("%s: guest IP %q is not IPv4", guest, n.IP)
	}
	if n.PrefixLen < 0 || n.PrefixLen > 32 {
		return fmt.Errorf("%s: prefix length %d is out of range 0..32", guest, n.PrefixLen)
	}
	if n.Gateway != nil && n.Gateway.To4() == nil {
		return fmt.Errorf("%s: gateway %q is not IPv4", guest, n.Gateway)
	}
	return nil
}

// checkStorage refuses a block device or an initrd the guest cannot use.
func checkStorage(guest string, r Request, blockOK, initrdOK bool) error {
	if r.Block != nil && !blockOK {
		return fmt.Errorf("%s: cannot use a block device", guest)
	}
	if r.Initrd && !initrdOK {
		return fmt.Errorf("%s: cannot use an initrd", guest)
	}
	return nil
}

// check runs both checks.
func check(guest string, r Request, blockOK, initrdOK bool) error {
	if err := checkStorage(guest, r, blockOK, initrdOK); err != nil {
		return err
	}
	return checkNet(guest, r.Net)
}

// ip4 prints an IPv4 address in dotted form.
func ip4(ip net.IP) string { return ip.To4().String() }

// cidr is "IP/PREFIX".
func cidr(n *Net) string { return fmt.Sprintf("%s/%d", ip4(n.IP), n.PrefixLen) }

// dottedMask is the prefix length as a dotted netmask.
func dottedMask(prefix int) string { return net.IP(net.CIDRMask(prefix, 32)).String() }

// join joins the non-empty parts with single spaces.
func join(parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}
