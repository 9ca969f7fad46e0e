package netsetup

import (
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
)

// PodIf is the pod interface and the addressing the guest takes over.
type PodIf struct {
	Link    netlink.Link
	IP      net.IP
	Prefix  int
	Gateway net.IP
	MAC     net.HardwareAddr
	MTU     int
}

// FindPodInterface returns the link carrying the IPv4 default route in the
// calling thread's namespace, or nil when there is none.
func FindPodInterface() (*PodIf, error) {
	routes, err := netlink.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		return nil, fmt.Errorf("list routes: %w", err)
	}
	for _, r := range routes {
		if (r.Dst != nil && !isDefault(r.Dst)) || r.Gw == nil || r.LinkIndex == 0 {
			continue
		}
		link, err := netlink.LinkByIndex(r.LinkIndex)
		if err != nil {
			return nil, fmt.Errorf("default route link %d: %w", r.LinkIndex, err)
		}
		addrs, err := netlink.AddrList(link, netlink.FAMILY_V4)
		if err != nil {
			return nil, fmt.Errorf("addresses of %s: %w", link.Attrs().Name, err)
		}
		for _, a := range addrs {
			if a.IP.IsGlobalUnicast() {
				ones, _ := a.Mask.Size()
				return &PodIf{Link: link, IP: a.IP, Prefix: ones, Gateway: r.Gw,
					MAC: link.Attrs().HardwareAddr, MTU: link.Attrs().MTU}, nil
			}
		}
		return nil, fmt.Errorf("pod interface %s has no IPv4 address", link.Attrs().Name)
	}
	return nil, nil
}

func isDefault(n *net.IPNet) bool {
	ones, _ := n.Mask.Size()
	return ones == 0 && n.IP.IsUnspecified()
}
