package unikernel

type hermit struct{}

func init() { register(hermit{}) }

func (hermit) Name() string { return "hermit" }

// Cmdline is "-ip IP -mask MASK [-gateway GW] [-- <app>]", the Hermit
// kernel's own flags (they set HERMIT_IP, HERMIT_MASK, HERMIT_GATEWAY;
// without -gateway the kernel uses its built-in default). Under QEMU the
// Hermit loader takes the app as the initrd, so that needs no flag.
func (hermit) Cmdline(r Request) (string, error) {
	if err := check("hermit", r, false, true); err != nil {
		return "", err
	}
	var ip, mask, gw, sep string
	if n := r.Net; n != nil {
		ip = "-ip " + ip4(n.IP)
		mask = "-mask " + dottedMask(n.PrefixLen)
		if n.Gateway != nil {
			gw = "-gateway " + ip4(n.Gateway)
		}
	}
	if r.App != "" {
		sep = "--"
	}
	return join(ip, mask, gw, sep, r.App), nil
}
