#!/usr/bin/env bash
# Conformance run of the opencontainers runtime-tools validation suite
# (github.com/opencontainers/runtime-tools v0.9.0) lifecycle tests against
# runc and against ukrun with VM bundles.
#
#   scripts/conformance.sh            (as root)
#
# 1. Builds, once, the validation test binaries in a private, temporary Go
#    module under $CACHE (go mod init + go get runtime-tools@v0.9.0 + pinned
#    dependencies); the binaries, the suite's rootfs-amd64.tar.gz and the
#    go.mod used are kept in $CACHE/bin, and reused when present. Nothing of
#    runtime-tools is copied into this repository.
# 2. Runs every test with RUNTIME=runc and with RUNTIME=test/conformance/ukrun-vm
#    (which annotates each bundle with dev.ukrun.guest=linux and execs bin/ukrun,
#    with a private --root). The TAP output goes to a log file.
# 3. Prints a summary table. Exits 0 when every ukrun run printed TAP with no
#    "not ok" line, exited 0 and left nothing behind; 1 otherwise.
#
# Environment:
#   CONFORMANCE_CACHE     cache directory (default /var/cache/ukrun/conformance)
#   CONFORMANCE_LOG       log file (default $CACHE/logs/conformance-<time>.log)
#   CONFORMANCE_TESTS     tests to run (default: create start state kill
#                         kill_no_effect delete pidfile)
#   CONFORMANCE_RUNTIMES  runtimes to run (default: runc ukrun)
#   CONFORMANCE_TIMEOUT   seconds per test binary (default 300)
set -uo pipefail

[ "$(id -u)" = 0 ] || { echo "conformance: run as root" >&2; exit 2; }
export PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
command -v go >/dev/null || { echo "conformance: Go is needed (/usr/local/go/bin/go)" >&2; exit 2; }
command -v runc >/dev/null || { echo "conformance: runc is needed (scripts/install-deps.sh)" >&2; exit 2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CONFORMANCE_CACHE:-/var/cache/ukrun/conformance}
BIN=$CACHE/bin
TESTS=(${CONFORMANCE_TESTS:-create start state kill kill_no_effect delete pidfile})
RUNTIMES=(${CONFORMANCE_RUNTIMES:-runc ukrun})
TIMEOUT=${CONFORMANCE_TIMEOUT:-300}
RT_VERSION=v0.9.0
# Pinned versions. runtime-tools v0.9.0 has no go.mod (it used Godeps), so
# every dependency is named here. runtime-spec and selinux must be these
# versions for it to build (newer specs-go and go-selinux changed APIs);
# satori/go.uuid must be v1.2.0 (later NewV4 returns an error too).
PINS=(
  github.com/opencontainers/runtime-spec@v1.0.2
  github.com/opencontainers/selinux@v1.10.2
  github.com/satori/go.uuid@v1.2.0
  github.com/mndrix/tap-go@v0.0.0-20171203230836-629fa407e90b
  github.com/blang/semver@v3.5.1+incompatible
  github.com/hashicorp/go-multierror@v1.0.0
  github.com/hashicorp/errwrap@v1.0.0
  github.com/sirupsen/logrus@v1.9.3
  github.com/syndtr/gocapability@v0.0.0-20200815063812-42c35b437635
  github.com/xeipuuv/gojsonschema@v1.2.0
  github.com/xeipuuv/gojsonreference@v0.0.0-20180127040603-bd5ef7bd5415
  github.com/xeipuuv/gojsonpointer@v0.0.0-20180127040702-4e3ac2762d5f
  github.com/mrunalp/fileutils@v0.5.1
  golang.org/x/sys@v0.30.0
  gopkg.in/yaml.v2@v2.4.0
)

T0=$(date +%s.%N)
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

WORK=
BUILD=
UKROOT=
cleanup() {
  [ -n "$BUILD" ] && rm -rf "$BUILD"
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    reap_ukrun quiet
    reap_runc quiet
    # Unmount anything a runtime may have left under WORK, deepest first.
    awk -v w="$WORK" '$5 ~ "^"w {print $5}' /proc/self/mountinfo | sort -r |
      while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. build the validation binaries (cached) ----
mkdir -p "$BIN" "$CACHE/logs"
need_build=0
for t in "${TESTS[@]}"; do [ -x "$BIN/$t" ] || need_build=1; done
[ -f "$BIN/rootfs-amd64.tar.gz" ] || need_build=1
tb=$(date +%s.%N)
if [ "$need_build" = 1 ]; then
  echo "conformance: building runtime-tools $RT_VERSION validation tests into $BIN"
  BUILD=$(mktemp -d "$CACHE/build.XXXXXX")
  (
    set -e
    export GOWORK=off GO111MODULE=on GOFLAGS=-mod=mod
    cd "$BUILD"
    go mod init ukrun.local/conformance >/dev/null 2>&1
    go get "github.com/opencontainers/runtime-tools@$RT_VERSION" "${PINS[@]}"
    # Hold runtime-spec and selinux at the versions runtime-tools builds with,
    # whatever else may ask for.
    go mod edit \
      -replace github.com/opencontainers/runtime-spec=github.com/opencontainers/runtime-spec@v1.0.2 \
      -replace github.com/opencontainers/selinux=github.com/opencontainers/selinux@v1.10.2
    for t in "${TESTS[@]}"; do
      go build -trimpath -o "$BIN/$t.new" "github.com/opencontainers/runtime-tools/validation/$t"
      mv "$BIN/$t.new" "$BIN/$t"
    done
    dir=$(go list -m -f '{{.Dir}}' "github.com/opencontainers/runtime-tools")
    cp "$dir/rootfs-amd64.tar.gz" "$BIN/rootfs-amd64.tar.gz.new"
    mv "$BIN/rootfs-amd64.tar.gz.new" "$BIN/rootfs-amd64.tar.gz"
    cp go.mod "$BIN/go.mod.txt"
  ) || { echo "conformance: building the runtime-tools tests failed" >&2; exit 2; }
  rm -rf "$BUILD"; BUILD=
else
  echo "conformance: runtime-tools $RT_VERSION validation tests cached in $BIN"
fi
# The annotate helper (our code, stdlib only): built outside any module so
# that it does not depend on the state of the repository's go.mod.
src=$REPO/test/conformance/annotate/main.go
if [ ! -x "$BIN/annotate" ] || [ "$src" -nt "$BIN/annotate" ]; then
  (cd "$CACHE" && GOWORK=off GO111MODULE=on GOFLAGS= go build -o "$BIN/annotate.new" "$src" && mv "$BIN/annotate.new" "$BIN/annotate") ||
    { echo "conformance: building the annotate helper failed" >&2; exit 2; }
fi
BUILD_SECS=$(secs "$tb")

if [ ! -x "$REPO/bin/ukrun" ] || [ ! -x "$REPO/bin/ukinit" ]; then
  echo "conformance: bin/ukrun missing, running make build"
  make -C "$REPO" build || exit 2
fi

# ---- 2. run ----
LOG=${CONFORMANCE_LOG:-$CACHE/logs/conformance-$(date +%Y%m%dT%H%M%S).log}
WORK=$(mktemp -d /tmp/ukrun-conformance.XXXXXX)
mkdir -p "$WORK/tmp" "$WORK/out"
ln -s "$BIN/rootfs-amd64.tar.gz" "$WORK/rootfs-amd64.tar.gz" # PrepareBundle untars it from the cwd
UKROOT=$WORK/ukrun-root
UKLOG=$WORK/ukrun.log
export UKRUN_ANNOTATE=$BIN/annotate UKRUN_BIN=$REPO/bin/ukrun UKRUN_VM_ROOT=$UKROOT UKRUN_VM_LOG=$UKLOG

{
  echo "# ukrun conformance run $(date -u +%FT%TZ)"
  echo "# runtime-tools $RT_VERSION, tests: ${TESTS[*]}"
  echo "# runc: $(runc --version | head -1)"
  echo "# ukrun: $("$REPO/bin/ukrun" version 2>&1 | head -1) ($REPO/bin/ukrun, $(date -u -r "$REPO/bin/ukrun" +%FT%TZ))"
  echo "# repo: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo " (+ uncommitted changes)")"
  echo "# kernel: $(uname -r)"
  echo "# go.mod of the test build:"; sed 's/^/#   /' "$BIN/go.mod.txt"
} >"$LOG"

LEFTOVERS=()

# reap_runc: force-delete the runc containers whose bundle is under WORK
# (made by this run; others' containers are left alone).
reap_runc() {
  local id
  for id in $(runc list 2>/dev/null | awk -v w="$WORK/" 'NR > 1 && index($4, w) == 1 {print $1}'); do
    [ "${1:-}" = quiet ] || LEFTOVERS+=("runc container $id")
    runc delete --force "$id" >/dev/null 2>&1
  done
}
# reap_ukrun: force-delete ukrun containers left in the private root, then
# report (and end, by pid) any process still naming that root, and remove
# the state directory.
reap_ukrun() {
  local d id pid
  [ -n "$UKROOT" ] && [ -d "$UKROOT" ] || return 0
  for d in "$UKROOT"/*/; do
    [ -d "$d" ] || continue
    id=$(basename "$d")
    [ "${1:-}" = quiet ] || LEFTOVERS+=("ukrun state dir $id")
    "$REPO/bin/ukrun" --root "$UKROOT" delete --force "$id" >/dev/null 2>&1
  done
  for pid in $(pgrep -f -- "$UKROOT"); do
    [ "${1:-}" = quiet ] || LEFTOVERS+=("process $pid: $(tr '\0' ' ' </proc/$pid/cmdline 2>/dev/null | cut -c1-120)")
    kill -9 "$pid" 2>/dev/null
  done
  for d in "$UKROOT"/*; do
    [ -e "$d" ] || continue
    [ "${1:-}" = quiet ] || LEFTOVERS+=("ukrun state left after delete --force: $(basename "$d")")
    rm -rf "$d"
  done
}

declare -A OK NOTOK SKIP RC SECS
for rt in "${RUNTIMES[@]}"; do
  case $rt in
    runc) runtime=runc ;;
    ukrun) runtime=$REPO/test/conformance/ukrun-vm ;;
    *) echo "conformance: unknown runtime $rt" >&2; exit 2 ;;
  esac
  for t in "${TESTS[@]}"; do
    out=$WORK/out/$rt-$t
    ts=$(date +%s.%N)
    (cd "$WORK" && exec env RUNTIME="$runtime" TMPDIR="$WORK/tmp" \
      timeout --kill-after=10 "$TIMEOUT" "$BIN/$t") >"$out.tap" 2>"$out.err"
    rc=$?
    SECS[$rt,$t]=$(secs "$ts")
    RC[$rt,$t]=$rc
    SKIP[$rt,$t]=$(grep -Eic '^ok [0-9]+.*# *skip' "$out.tap")
    OK[$rt,$t]=$(( $(grep -Ec '^ok( |$)' "$out.tap") - ${SKIP[$rt,$t]} ))
    NOTOK[$rt,$t]=$(grep -Ec '^not ok( |$)' "$out.tap")
    n=${#LEFTOVERS[@]}
    if [ "$rt" = ukrun ]; then reap_ukrun; else reap_runc; fi
    for ((i = n; i < ${#LEFTOVERS[@]}; i++)); do LEFTOVERS[$i]="$rt/$t: ${LEFTOVERS[$i]}"; done
    {
      echo
      echo "=== $rt $t (exit $rc, ${SECS[$rt,$t]} s)"
      cat "$out.tap"
      if [ -s "$out.err" ]; then echo "--- stderr"; cat "$out.err"; fi
      for ((i = n; i < ${#LEFTOVERS[@]}; i++)); do echo "--- LEFT BEHIND: ${LEFTOVERS[$i]}"; done
    } >>"$LOG"
    printf 'conformance: %-5s %-15s ok %2s  not ok %2s  skip %s  exit %s  %6ss\n' \
      "$rt" "$t" "${OK[$rt,$t]}" "${NOTOK[$rt,$t]}" "${SKIP[$rt,$t]}" "$rc" "${SECS[$rt,$t]}"
  done
done
if [ -s "$UKLOG" ]; then { echo; echo "=== ukrun --log"; cat "$UKLOG"; } >>"$LOG"; fi
# Nothing may be left under WORK: no mounts, no network namespaces named there.
if awk -v w="$WORK" '$5 ~ "^"w {f=1} END{exit !f}' /proc/self/mountinfo; then
  LEFTOVERS+=("mounts under $WORK")
fi

# ---- 3. summary ----
fail=0
summary() {
  local t rt cell tot_ok tot_nok
  printf '%-15s' test
  for rt in "${RUNTIMES[@]}"; do printf ' | %-5s %4s %6s %4s %4s %6s' "$rt" ok "not ok" skip exit secs; done
  echo
  for t in "${TESTS[@]}"; do
    printf '%-15s' "$t"
    for rt in "${RUNTIMES[@]}"; do
      printf ' | %-5s %4s %6s %4s %4s %6s' "" "${OK[$rt,$t]}" "${NOTOK[$rt,$t]}" "${SKIP[$rt,$t]}" "${RC[$rt,$t]}" "${SECS[$rt,$t]}"
    done
    echo
  done
  printf '%-15s' total
  for rt in "${RUNTIMES[@]}"; do
    tot_ok=0 tot_nok=0
    for t in "${TESTS[@]}"; do tot_ok=$((tot_ok + ${OK[$rt,$t]})); tot_nok=$((tot_nok + ${NOTOK[$rt,$t]})); done
    printf ' | %-5s %4s %6s %4s %4s %6s' "" "$tot_ok" "$tot_nok" "" "" ""
  done
  echo
  for l in "${LEFTOVERS[@]}"; do echo "LEFT BEHIND (removed): $l"; done
}
for t in "${TESTS[@]}"; do
  case " ${RUNTIMES[*]} " in *" ukrun "*) ;; *) break ;; esac
  if [ "${NOTOK[ukrun,$t]}" != 0 ] || [ "${RC[ukrun,$t]}" != 0 ] || [ "${OK[ukrun,$t]}" = 0 ]; then fail=1; fi
done
[ ${#LEFTOVERS[@]} -eq 0 ] || fail=1
{
  echo
  echo "=== summary (build ${BUILD_SECS}s, total $(secs "$T0")s)"
  summary
} | tee -a "$LOG"
echo "conformance: TAP log: $LOG"
if [ "$fail" = 0 ]; then echo "conformance: PASS (ukrun: no \"not ok\")"; else echo "conformance: FAIL"; fi
exit "$fail"
