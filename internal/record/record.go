// Package record holds the kinds of things ukrun makes for a container, as
// its state records them before it makes them: teardown undoes the record
// from disk alone.
package record

// Resource is one thing ukrun created for a container.
type Resource struct {
	Kind string     `json:"kind"`
	Path string     `json:"path,omitempty"` // files, dirs, cgroups
	Net  *NetObject `json:"net,omitempty"`  // taps, qdiscs, filters
}

// NetObject names a kernel network object inside a network namespace.
type NetObject struct {
	Netns    string `json:"netns"`              // path of the namespace
	NetnsIno uint64 `json:"netns_ino"`          // its inode: a new netns at the same path is another one
	Link     string `json:"link"`               // the link the object is (tap) or hangs on
	Alias    string `json:"alias,omitempty"`    // tap: the alias that proves it is ours
	Prio     uint16 `json:"prio,omitempty"`     // filter priority
	Redirect string `json:"redirect,omitempty"` // filter: the link it redirects to
	RedirIdx int    `json:"redirect_index,omitempty"`
}

// Kinds of recorded resources.
const (
	KindFile   = "file"
	KindDir    = "dir"
	KindCgroup = "cgroup" // a cgroup directory ukrun made
	KindTap    = "tap"    // a TAP device
	KindQdisc  = "qdisc"  // an ingress qdisc ukrun added
	KindFilter = "filter" // a tc filter on an ingress qdisc
)

// IsNet tells whether r is a network object.
func (r Resource) IsNet() bool { return r.Net != nil }

// Network returns the network objects of rs, in order.
func Network(rs []Resource) []Resource {
	var net []Resource
	for _, r := range rs {
		if r.IsNet() {
			net = append(net, r)
		}
	}
	return net
}
