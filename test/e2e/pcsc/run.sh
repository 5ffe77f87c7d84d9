#!/bin/bash
# End-to-end: a real PC/SC client reaches the project's simulated card.
#   opensc-tool -> libpcsclite -> pcscd -> vsmartcard vpcd driver -> TCP 35963 -> VpcdSlot -> Card
# See README.md here. Needs root, and pcscd + vsmartcard-vpcd + opensc installed
# (INSTALL=1 installs them with ../../../../shared/reference/pcsc/setup.sh install, or set SETUP_SH).
# Exit 0 = PASS, 1 = FAIL, 77 = skipped (tools missing).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
WORK="${PCSC_E2E_WORKDIR:-$(mktemp -d /tmp/ssc3-pcsc-e2e.XXXXXX)}"
READER='Virtual PCD 00 00'
LOGS="$WORK/logs"; BUILD="$WORK/build"
mkdir -p "$LOGS"
log() { echo "[e2e] $*" >&2; }

if [ "${INSTALL:-0}" = 1 ]; then
  "${SETUP_SH:-$ROOT/../shared/reference/pcsc/setup.sh}" install
fi
for t in pcscd opensc-tool unshare nsenter ip; do
  command -v "$t" >/dev/null || { log "SKIP: $t not found (INSTALL=1 installs the packages)"; exit 77; }
done
VPCD_SO=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
[ -e "$VPCD_SO" ] || { log "SKIP: $VPCD_SO not found (package vsmartcard-vpcd)"; exit 77; }
[ "$(id -u)" = 0 ] || { log "SKIP: needs root (unshare -n, ip route)"; exit 77; }
if [ -S /run/pcscd/pcscd.comm ] && pgrep -x pcscd >/dev/null; then
  log "FAIL: a pcscd is already running; stop it first (this script starts its own)"; exit 1
fi

# 1. Compile the vicc (and what it imports) outside the repo; bare imports resolve through a symlink.
log "compiling the vicc into $BUILD"
( cd "$ROOT" && npx tsc --outDir "$BUILD" --rootDir . --module NodeNext --moduleResolution NodeNext \
    --target ES2022 --types node --skipLibCheck --strict test/e2e/pcsc/vicc-main.ts )
echo '{"type":"module"}' > "$BUILD/package.json"
ln -sfn "$ROOT/node_modules" "$BUILD/node_modules"

PCSCD=""; VICC=""
cleanup() {
  # by PID only: the vicc first (card removed), then pcscd (it removes /run/pcscd/* on SIGTERM)
  [ -n "$VICC" ] && kill "$VICC" 2>/dev/null && wait "$VICC" 2>/dev/null || true
  [ -n "$PCSCD" ] && kill "$PCSCD" 2>/dev/null && wait "$PCSCD" 2>/dev/null || true
}
trap cleanup EXIT

# 2. pcscd in a private network namespace with delayed ACKs off on lo (README pitfall 1: else
#    44 ms per vpcd message); unshare and bash exec, so $! is pcscd's own PID.
unshare -n bash -c 'ip link set lo up &&
  ip route change local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 quickack 1 &&
  exec pcscd -f ${PCSCD_ARGS:-}' > "$LOGS/pcscd.log" 2>&1 &
PCSCD=$!
log "pcscd pid $PCSCD"
for _ in $(seq 100); do
  [ -S /run/pcscd/pcscd.comm ] && nsenter -t "$PCSCD" -n ss -ltn 2>/dev/null | grep -q ':35963 ' && break
  kill -0 "$PCSCD" 2>/dev/null || { log "FAIL: pcscd exited"; cat "$LOGS/pcscd.log" >&2; exit 1; }
  sleep 0.1
done
nsenter -t "$PCSCD" -n ss -ltn | grep -q ':35963 ' || { log "FAIL: vpcd not listening on 35963"; exit 1; }

# 3. The vicc, inside pcscd's namespace (nsenter execs: $! is node's PID).
nsenter -t "$PCSCD" -n node "$BUILD/test/e2e/pcsc/vicc-main.js" --slot 0 ${VICC_ARGS:-} > "$LOGS/vicc.log" 2>&1 &
VICC=$!
log "vicc pid $VICC"

# 4. Wait until pcscd reports the card (it polls every ~400 ms; README pitfall 10).
ATR=""
for _ in $(seq 50); do
  if ATR="$(timeout 5 opensc-tool -r "$READER" -a 2>/dev/null)"; then break; fi
  ATR=""; sleep 0.2
done
[ -n "$ATR" ] || { log "FAIL: no card in '$READER'"; cat "$LOGS/vicc.log" >&2; exit 1; }
log "ATR $ATR"

# 5. SELECT the transit application, READ BINARY EF15 by SFI. -c default: no OpenSC card-driver
#    probing (README pitfall 5).
OUT="$(timeout 10 opensc-tool -r "$READER" -c default \
  -s 00A4040008A000000632010105 -s 00B0950000 2>&1)" || { log "FAIL: opensc-tool exited $?"; echo "$OUT" >&2; exit 1; }
echo "$OUT" | tee "$LOGS/opensc.txt"
OKS="$(grep -c 'Received (SW1=0x90, SW2=0x00)' "$LOGS/opensc.txt" || true)"
if [ "$OKS" -ge 2 ]; then
  log "PASS: SELECT and READ BINARY answered 9000 through pcscd ($LOGS)"
  exit 0
fi
log "FAIL: expected two 90 00 status words"; cat "$LOGS/vicc.log" >&2
exit 1
