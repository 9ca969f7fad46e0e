package unikernel

type mirage struct{}

func init() { register(mirage{}) }

func (mirage) Name() string { return "mirage" }

// Cmdline is "--ipv4=CIDR [--ipv4-gateway=GW] <app>", the boot options of
// Mirage's default network device "service"; the order is free.
func (mirage) Cmdline(r Request) (string, error) {
	// A block device reaches Mirage through the VMM (solo5 --block:ID);
	// it needs no boot option.
	if err := check("mirage", r, true, false); err != nil {
		return "", err
	}
	var ip, gw string
	if n := r.Net; n != nil {
		ip = "--ipv4=" + cidr(n)
		if n.Gateway != nil {
			gw = "--ipv4-gateway=" + ip4(n.Gateway)
		}
	}
	return join(ip, gw, r.App), nil
}
