#!/usr/bin/env bash
# The demo: an image-like bundle whose rootfs holds one static program runs
# as a VM with `ukrun run`; its output and exit code come back, and nothing
# is left afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/bin
work=$(mktemp -d /tmp/ukrun-demo.XXXXXX)
root=$work/state
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bundle/rootfs/bin"
cp "$bin/testapp" "$work/bundle/rootfs/bin/hello"
cat > "$work/bundle/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {
    "args": ["hello", "out=Hello from a VM container!", "whoami", "err=(this line is the app's stderr)", "cat", "exit=7"],
    "env": ["PATH=/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}
  },
  "root": {"path": "rootfs"},
  "hostname": "demo",
  "annotations": {"dev.ukrun.guest": "linux"},
  "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]}
}
JSON

echo "== ukrun version"
"$bin/ukrun" version
echo "== ukrun run (stdin: 'typed into stdin')"
start=$(date +%s.%N)
set +e
echo "typed into stdin" | (cd "$work/bundle" && "$bin/ukrun" --root "$root" run demo)
code=$?
set -e
end=$(date +%s.%N)
printf '== exit code: %d (the app exits 7); wall time %s s\n' "$code" "$(awk "BEGIN{printf \"%.2f\", $end - $start}")"
echo "== left behind:"
echo "   state dirs:      $(find "$root" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
echo "   qemu processes:  $(pgrep -fc 'qemu-system.*ukrun-demo' || true)"
echo "   ukrun monitors:  $(pgrep -fc "ukrun-monitor.*$root" || true)"
echo "   tap devices:     $(ip -o link show type tun 2>/dev/null | wc -l)"
[ "$code" = 7 ]
