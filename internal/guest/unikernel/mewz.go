package unikernel

type mewz struct{}

func init() { register(mewz{}) }

func (mewz) Name() string { return "mewz" }

// Cmdline is "ip=CIDR [gateway=GW] [-- <app>]". Mewz starts its network
// stack only when ip and gateway are both given. Its files are linked into
// the kernel, so it takes neither block device nor initrd.
func (mewz) Cmdline(r Request) (string, error) {
	if err := check("mewz", r, false, false); err != nil {
		return "", err
	}
	var ip, gw, sep string
	if n := r.Net; n != nil {
		ip = "ip=" + cidr(n)
		if n.Gateway != nil {
			gw = "gateway=" + ip4(n.Gateway)
		}
	}
	if r.App != "" {
		sep = "--"
	}
	return join(ip, gw, sep, r.App), nil
}
