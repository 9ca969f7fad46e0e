package unikernel

import (
	"net"
	"strings"
	"testing"
)

// Where the expected formats come from:
//
//   - unikraft: urunc-dev/urunc pkg/unikontainers/unikernels/unikraft.go
//     (UnikraftCompatVersion 0.16.1, "Unikraft" argv0, "--" before the app,
//     env.vars, vfs.fstab / vfs.rootfs=initrd); the netdev.ip field order
//     cidr[:gw[:dns0...]] from https://unikraft.org/blog/2024-01-18-unikraft-releases-v0.16.1;
//     quote handling from unikraft/unikraft lib/ukargparse/argparse.c.
//   - rumprun: rumpkernel/rumprun lib/librumprun_base/config.c (keys
//     cmdline, env, net{if,cloner,type,method,addr,mask,gw}, blk{source,
//     path,fstype,mountpoint}; gw and mountpoint optional) and urunc
//     pkg/unikontainers/unikernels/rumprun.go (ukvmif0, etfs, /dev/ld0a).
//   - mirage: urunc pkg/unikontainers/unikernels/mirage.go (--ipv4,
//     --ipv4-gateway, then the app's own arguments).
//   - mewz: mewz-project/mewz src/param.zig (ip=IP/PREFIX, gateway=) and
//     src/args.zig (app arguments after "--").
//   - hermit: hermit-os/kernel src/env.rs (-ip, -mask, -gateway, "--").

var (
	nicGW   = &Net{IP: net.ParseIP("10.244.1.7"), PrefixLen: 16, Gateway: net.ParseIP("10.244.0.1")}
	nicNoGW = &Net{IP: net.ParseIP("172.17.0.5"), PrefixLen: 20}
	nicV6   = &Net{IP: net.ParseIP("fd00::5"), PrefixLen: 64}
	nicP33  = &Net{IP: net.ParseIP("10.0.0.2"), PrefixLen: 33}
	nicGW6  = &Net{IP: net.ParseIP("10.0.0.2"), PrefixLen: 24, Gateway: net.ParseIP("fd00::1")}
	nicP0   = &Net{IP: net.ParseIP("10.0.0.2"), PrefixLen: 0}
	nicP32  = &Net{IP: net.ParseIP("10.0.0.2"), PrefixLen: 32, Gateway: net.ParseIP("10.0.0.1")}
	blk     = &Block{ID: "rootfs", MountPoint: "/data"}
)

func TestCmdline(t *testing.T) {
	tests := []struct {
		guest, name string
		req         Request
		want        string // expected cmdline when wantErr is empty
		wantErr     string // substring of the expected error
	}{
		// unikraft, newest style (empty version)
		{guest: "unikraft", name: "nic+gw, env, initrd",
			req:  Request{App: "redis-server /data/conf/redis.conf", Env: []string{"A=1", "B=x y"}, Net: nicGW, Initrd: true},
			want: `Unikraft env.vars=[ A=1 "B=x y" ] netdev.ip=10.244.1.7/16:10.244.0.1 vfs.fstab=[ "initrd0:/:extract:::" ] -- redis-server /data/conf/redis.conf`},
		{guest: "unikraft", name: "nic without gw",
			req:  Request{App: "nginx -c /nginx/conf/nginx.conf", Net: nicNoGW},
			want: "Unikraft netdev.ip=172.17.0.5/20 -- nginx -c /nginx/conf/nginx.conf"},
		{guest: "unikraft", name: "no nic",
			req: Request{App: "hello"}, want: "Unikraft -- hello"},
		{guest: "unikraft", name: "nothing", want: "Unikraft --"},
		{guest: "unikraft", name: "env with a double quote",
			req: Request{Env: []string{`M=say "hi"`}}, want: `Unikraft env.vars=[ 'M=say "hi"' ] --`},
		{guest: "unikraft", name: "version 0.16.1 is new style",
			req: Request{Version: "0.16.1", Net: nicGW}, want: "Unikraft netdev.ip=10.244.1.7/16:10.244.0.1 --"},
		{guest: "unikraft", name: "version 0.17 is new style",
			req: Request{Version: "0.17", Net: nicNoGW}, want: "Unikraft netdev.ip=172.17.0.5/20 --"},
		{guest: "unikraft", name: "unparsable version is new style",
			req: Request{Version: "latest", Net: nicNoGW}, want: "Unikraft netdev.ip=172.17.0.5/20 --"},
		// unikraft, old style (before 0.16.1): no env.vars
		{guest: "unikraft", name: "old: nic+gw, initrd, env dropped",
			req:  Request{Version: "0.15.0", App: "app -x", Env: []string{"A=1"}, Net: nicGW, Initrd: true},
			want: "Unikraft netdev.ipv4_addr=10.244.1.7 netdev.ipv4_gw_addr=10.244.0.1 netdev.ipv4_subnet_mask=255.255.0.0 vfs.rootfs=initrd -- app -x"},
		{guest: "unikraft", name: "old: nic without gw",
			req:  Request{Version: "v0.16.0", App: "app", Net: nicNoGW},
			want: "Unikraft netdev.ipv4_addr=172.17.0.5 netdev.ipv4_subnet_mask=255.255.240.0 -- app"},
		{guest: "unikraft", name: "old: pre-release of 0.16.1",
			req: Request{Version: "0.16.1-rc1", App: "app"}, want: "Unikraft -- app"},
		{guest: "unikraft", name: "old: prefix 0",
			req: Request{Version: "0.10.0", Net: nicP0}, want: "Unikraft netdev.ipv4_addr=10.0.0.2 netdev.ipv4_subnet_mask=0.0.0.0 --"},
		{guest: "unikraft", name: "refuses block",
			req: Request{Block: blk}, wantErr: "unikraft: cannot use a block device"},
		{guest: "unikraft", name: "refuses IPv6",
			req: Request{Net: nicV6}, wantErr: "unikraft: guest IP"},
		{guest: "unikraft", name: "refuses prefix 33",
			req: Request{Version: "0.15.0", Net: nicP33}, wantErr: "unikraft: prefix length 33"},
		{guest: "unikraft", name: "refuses env with both quotes",
			req: Request{Env: []string{`Q="it's"`}}, wantErr: "unikraft: env"},

		// rumprun
		{guest: "rumprun", name: "nic+gw, env, block",
			req:  Request{App: "redis-server /data/conf/redis.conf", Env: []string{"A=1", "B=<x>&y"}, Net: nicGW, Block: blk},
			want: `{"cmdline":"redis-server /data/conf/redis.conf","env":"A=1","env":"B=<x>&y","net":{"if":"ukvmif0","cloner":"True","type":"inet","method":"static","addr":"10.244.1.7","mask":"16","gw":"10.244.0.1"},"blk":{"source":"etfs","path":"/dev/ld0a","fstype":"blk","mountpoint":"/data"}}`},
		{guest: "rumprun", name: "nic without gw",
			req:  Request{App: "hello", Net: nicNoGW},
			want: `{"cmdline":"hello","net":{"if":"ukvmif0","cloner":"True","type":"inet","method":"static","addr":"172.17.0.5","mask":"20"}}`},
		{guest: "rumprun", name: "no nic",
			req: Request{App: `echo "hi"`}, want: `{"cmdline":"echo \"hi\""}`},
		{guest: "rumprun", name: "block without mountpoint",
			req:  Request{App: "a", Block: &Block{ID: "rootfs"}},
			want: `{"cmdline":"a","blk":{"source":"etfs","path":"/dev/ld0a","fstype":"blk"}}`},
		{guest: "rumprun", name: "refuses initrd",
			req: Request{Initrd: true}, wantErr: "rumprun: cannot use an initrd"},
		{guest: "rumprun", name: "refuses IPv6 gateway",
			req: Request{Net: nicGW6}, wantErr: "rumprun: gateway"},

		// mirage
		{guest: "mirage", name: "nic+gw",
			req: Request{App: "--hello=holaHola", Net: nicGW}, want: "--ipv4=10.244.1.7/16 --ipv4-gateway=10.244.0.1 --hello=holaHola"},
		{guest: "mirage", name: "nic without gw",
			req: Request{App: "--hello=x", Net: nicNoGW}, want: "--ipv4=172.17.0.5/20 --hello=x"},
		{guest: "mirage", name: "no nic",
			req: Request{App: "--hello=holaHola"}, want: "--hello=holaHola"},
		{guest: "mirage", name: "block needs no option",
			req: Request{Net: nicP32, Block: blk}, want: "--ipv4=10.0.0.2/32 --ipv4-gateway=10.0.0.1"},
		{guest: "mirage", name: "refuses initrd",
			req: Request{Initrd: true}, wantErr: "mirage: cannot use an initrd"},
		{guest: "mirage", name: "refuses IPv6",
			req: Request{Net: nicV6}, wantErr: "mirage: guest IP"},

		// mewz
		{guest: "mewz", name: "nic+gw",
			req: Request{Net: nicGW}, want: "ip=10.244.1.7/16 gateway=10.244.0.1"},
		{guest: "mewz", name: "nic+gw and app",
			req: Request{App: "server 8080", Net: nicGW}, want: "ip=10.244.1.7/16 gateway=10.244.0.1 -- server 8080"},
		{guest: "mewz", name: "nic without gw",
			req: Request{Net: nicNoGW}, want: "ip=172.17.0.5/20"},
		{guest: "mewz", name: "no nic", want: ""},
		{guest: "mewz", name: "refuses block",
			req: Request{Block: blk}, wantErr: "mewz: cannot use a block device"},
		{guest: "mewz", name: "refuses initrd",
			req: Request{Initrd: true}, wantErr: "mewz: cannot use an initrd"},
		{guest: "mewz", name: "refuses prefix 33",
			req: Request{Net: nicP33}, wantErr: "mewz: prefix length 33"},

		// hermit
		{guest: "hermit", name: "nic+gw, initrd",
			req:  Request{App: "httpd --port 80", Net: nicGW, Initrd: true},
			want: "-ip 10.244.1.7 -mask 255.255.0.0 -gateway 10.244.0.1 -- httpd --port 80"},
		{guest: "hermit", name: "nic without gw",
			req: Request{Net: nicNoGW}, want: "-ip 172.17.0.5 -mask 255.255.240.0"},
		{guest: "hermit", name: "no nic",
			req: Request{App: "httpd"}, want: "-- httpd"},
		{guest: "hermit", name: "prefix 32",
			req: Request{Net: nicP32}, want: "-ip 10.0.0.2 -mask 255.255.255.255 -gateway 10.0.0.1"},
		{guest: "hermit", name: "refuses block",
			req: Request{Block: blk}, wantErr: "hermit: cannot use a block device"},
		{guest: "hermit", name: "refuses IPv6",
			req: Request{Net: nicV6}, wantErr: "hermit: guest IP"},
	}
	for _, tc := range tests {
		t.Run(tc.guest+"/"+tc.name, func(t *testing.T) {
			g, err := Get(tc.guest)
			if err != nil {
				t.Fatal(err)
			}
			got, err := g.Cmdline(tc.req)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("cmdline\n got: %s\nwant: %s", got, tc.want)
			}
		})
	}
}

func TestGet(t *testing.T) {
	for _, name := range []string{"unikraft", "rumprun", "mirage", "mewz", "hermit"} {
		g, err := Get(name)
		if err != nil || g.Name() != name {
			t.Errorf("Get(%q) = %v, %v", name, g, err)
		}
	}
	_, err := Get("osv")
	if err == nil || !strings.Contains(err.Error(), "hermit, mewz, mirage, rumprun, unikraft") {
		t.Errorf("Get(osv) error = %v", err)
	}
}
