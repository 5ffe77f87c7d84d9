#!/bin/bash
# End-to-end: real PC/SC clients reach the project's simulated card.
#   opensc-tool / pyscard -> libpcsclite -> pcscd -> vsmartcard vpcd driver -> TCP 35963 -> card
# See README.md here. Needs root, and pcscd + vsmartcard-vpcd + opensc + python3-pyscard +
# python3-pycryptodome installed (INSTALL=1 installs them with apt-get).
#   CARD=serve (default when dist/ has `serve --vpcd`): `ssc3 serve --memory --demo --vpcd`
#   CARD=vicc: test/e2e/pcsc/vicc-main.ts, compiled with tsc into the work folder
#   HOLD=1 (CARD=serve only): after the HTTP checks, print "[e2e] READY pcscd=PID card=ID port=N"
#   and keep pcscd and the card up until stdin ends, instead of the pyscard flow: another PC/SC
#   client (test/e2e/pcsc.test.ts: ssc3's own Gate over PcscReader) drives the card meanwhile.
# Exit 0 = PASS, 1 = FAIL, 77 = skipped (tools missing or not root).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
WORK="${PCSC_E2E_WORKDIR:-}"
OWN_WORK=0   # a work folder made here is deleted after a PASS; kept (logs) after a failure
[ -n "$WORK" ] || { WORK="$(mktemp -d /tmp/ssc3-pcsc-e2e.XXXXXX)"; OWN_WORK=1; }
READER='Virtual PCD 00 00'
PY=/usr/bin/python3   # Debian's python: pyscard and pycryptodome are installed for it only
HTTP_PORT=7777        # inside pcscd's private network namespace: nothing else listens there
PKGS="pcscd vsmartcard-vpcd opensc pcsc-tools python3-pyscard python3-pycryptodome iproute2 util-linux procps curl"
LOGS="$WORK/logs"; BUILD="$WORK/build"
mkdir -p "$LOGS"
log() { echo "[e2e] $*" >&2; }
T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
KEYS="$WORK/demo-keys.json"
PCSCD=""; CARDPID=""
cleanup() {
  local rc=$?
  # by PID only: the card first (card removed), then pcscd (it removes /run/pcscd/* on SIGTERM)
  [ -n "$CARDPID" ] && kill "$CARDPID" 2>/dev/null && wait "$CARDPID" 2>/dev/null || true
  [ -n "$PCSCD" ] && kill "$PCSCD" 2>/dev/null && wait "$PCSCD" 2>/dev/null || true
  rm -f "$KEYS"
  if [ "$rc" = 0 ] || [ "$rc" = 77 ]; then
    rm -rf "$BUILD"
    [ "$OWN_WORK" = 1 ] && rm -rf "$WORK"
  else
    log "logs in $LOGS"
  fi
  return 0
}
trap cleanup EXIT
trap 'exit 143' TERM INT   # so that a kill runs the EXIT trap too

if [ "${INSTALL:-0}" = 1 ]; then
  missing=""
  for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    log "installing:$missing"
    # --no-install-recommends: only what is needed. In a container pcscd's postinst cannot start
    # the systemd unit ("policy-rc.d denied"), which is what we want: this script starts its own.
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing; } \
      > "$LOGS/apt.log" 2>&1 || { log "FAIL: apt-get install$missing"; tail -20 "$LOGS/apt.log" >&2; exit 1; }
  fi
fi
[ "$(id -u)" = 0 ] || { log "SKIP: needs root (unshare -n, ip route)"; exit 77; }
for t in pcscd opensc-tool unshare nsenter ip ss node; do
  command -v "$t" >/dev/null || { log "SKIP: $t not found (INSTALL=1 installs the packages)"; exit 77; }
done
VPCD_SO=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
[ -e "$VPCD_SO" ] || { log "SKIP: $VPCD_SO not found (package vsmartcard-vpcd)"; exit 77; }
[ -x "$PY" ] && "$PY" -c 'import smartcard, Cryptodome' 2>/dev/null \
  || { log "SKIP: $PY with smartcard and Cryptodome not found (python3-pyscard, python3-pycryptodome)"; exit 77; }
unshare -n true 2>/dev/null || { log "FAIL: unshare -n is not permitted here (a container without CAP_SYS_ADMIN?)"; exit 1; }
# Another pcscd owns /run/pcscd/pcscd.comm: a running one, or systemd's socket unit that starts
# one on the first client. Ours would fight over the socket: refuse, and say how to stop it.
if pgrep -x -r R,S,D pcscd >/dev/null; then
  log "FAIL: a pcscd is already running (pid $(pgrep -x -r R,S,D pcscd | tr '\n' ' ')); stop it first: this script starts its own"; exit 1
fi
if [ -d /run/systemd/system ] && systemctl is-active --quiet pcscd.socket 2>/dev/null; then
  log "FAIL: systemd's pcscd.socket is active; run: systemctl stop pcscd.socket pcscd.service"; exit 1
fi

CLI="$ROOT/dist/terminal-sim/cli/main.js"
if [ -z "${CARD:-}" ]; then
  if [ -f "$CLI" ] && node "$CLI" serve --help 2>/dev/null | grep -q -- '--vpcd'; then CARD=serve; else CARD=vicc; fi
fi
case "$CARD" in
  serve)
    [ -f "$CLI" ] || { log "FAIL: $CLI not built (npm run build)"; exit 1; }
    command -v curl >/dev/null || { log "SKIP: curl not found"; exit 77; }
    ENGINE="$ROOT/dist/engine/index.js" ;;
  vicc)
    # Compile the vicc (and what it imports) outside the repo; bare imports resolve through a symlink.
    log "compiling the vicc into $BUILD"
    ( cd "$ROOT" && npx tsc --outDir "$BUILD" --rootDir . --module NodeNext --moduleResolution NodeNext \
        --target ES2022 --types node --skipLibCheck --strict test/e2e/pcsc/vicc-main.ts )
    echo '{"type":"module"}' > "$BUILD/package.json"
    ln -sfn "$ROOT/node_modules" "$BUILD/node_modules"
    ENGINE="$BUILD/engine/index.js" ;;
  *) log "FAIL: CARD=$CARD (serve or vicc)"; exit 1 ;;
esac
HOLD="${HOLD:-0}"
[ "$HOLD" = 0 ] || [ "$CARD" = serve ] || { log "FAIL: HOLD=1 needs CARD=serve (the client checks the card over HTTP)"; exit 1; }
log "card process: $CARD"

# The PSAM keys for gate_flow.py, from the engine the card runs (its demo issuer keys, which
# DOMAIN.md §3 publishes; test only). Not logged.
( umask 077; node --input-type=module -e "
  const { purseCrypto: pc } = await import(process.argv[1]);
  const h = (b) => Buffer.from(b).toString('hex');
  console.log(JSON.stringify({ purchase: h(pc.DEMO_ISSUER_KEYS.purchase), tac: h(pc.DEMO_ISSUER_KEYS.tac) }));
" "$ENGINE" > "$KEYS" )


# 1. pcscd in a private network namespace with delayed ACKs off on lo (shared/reference/pcsc
#    pitfall 1: else 44 ms per vpcd message); unshare and bash exec, so $! is pcscd's own PID.
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

# 2. The card process, inside pcscd's namespace (nsenter execs: $! is node's PID). The vicc gets
#    the first demo card of `ssc3 serve --demo`: beijing-standard, 3des, seed 100, 5000 fen.
if [ "$CARD" = serve ]; then
  nsenter -t "$PCSCD" -n node "$CLI" serve --memory --demo --port "$HTTP_PORT" --vpcd 127.0.0.1:35963 > "$LOGS/card.log" 2>&1 &
else
  nsenter -t "$PCSCD" -n node "$BUILD/test/e2e/pcsc/vicc-main.js" --slot 0 --seed 100 --balance 5000 ${VICC_ARGS:-} > "$LOGS/card.log" 2>&1 &
fi
CARDPID=$!
log "card pid $CARDPID"

# 3. Wait until pcscd reports the card (it polls every ~400 ms; pitfall 10), or its absence.
wait_card() {  # wait_card present|absent
  for _ in $(seq 75); do
    if ATR="$(timeout 5 opensc-tool -r "$READER" -a 2>/dev/null)"; then [ "$1" = present ] && return 0
    else [ "$1" = absent ] && return 0; fi
    kill -0 "$CARDPID" 2>/dev/null || return 1; sleep 0.2
  done
  return 1
}
wait_card present || { log "FAIL: no card in '$READER'"; cat "$LOGS/card.log" >&2; exit 1; }
log "ATR $ATR"

# 4. opensc-tool: SELECT the transit application, READ BINARY EF15 by SFI. -c default: no
#    OpenSC card-driver probing (pitfall 5).
OUT="$(timeout 10 opensc-tool -r "$READER" -c default \
  -s 00A4040008A000000632010105 -s 00B0950000 2>&1)" || { log "FAIL: opensc-tool exited $?"; echo "$OUT" >&2; exit 1; }
echo "$OUT" > "$LOGS/opensc.txt"
OKS="$(grep -c 'Received (SW1=0x90, SW2=0x00)' "$LOGS/opensc.txt" || true)"
[ "$OKS" -ge 2 ] || { log "FAIL: opensc-tool: expected two 90 00 status words"; cat "$LOGS/opensc.txt" "$LOGS/card.log" >&2; exit 1; }
log "opensc-tool: SELECT and READ BINARY 0015 answered 9000"

# 5. In serve mode: the card in slot 0 (GET /v1/readers) must be the beijing-standard 3DES demo
#    card; note its balance, then take it out and put it back over HTTP, as a user would.
card_json() {  # card_json [curl args] PATH EXPR: curl http://127.0.0.1:$HTTP_PORT/PATH, EXPR on the JSON (j)
  local expr="${*: -1}" path="${*: -2:1}"
  nsenter -t "$PCSCD" -n curl -sf "${@:1:$#-2}" "http://127.0.0.1:$HTTP_PORT/$path" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const j = JSON.parse(s); const v = eval(process.argv[1]); if (v === undefined) process.exit(1); console.log(v); });' "$expr"
}
if [ "$CARD" = serve ]; then
  CARD_ID="$(card_json v1/readers 'j.readers.find((r) => r.slot === 0)?.cardId ?? undefined')" \
    || { log "FAIL: GET /v1/readers: no card in slot 0"; exit 1; }
  card_json v1/cards "j.cards.find((c) => c.id === '$CARD_ID' && c.profile === 'beijing-standard' && c.algorithm === '3des')?.id" >/dev/null \
    || { log "FAIL: GET /v1/cards: slot 0 holds $CARD_ID, not the beijing-standard 3des demo card"; exit 1; }
  BEFORE="$(card_json "v1/cards/$CARD_ID" 'j.balanceFen')" || { log "FAIL: GET /v1/cards/$CARD_ID"; exit 1; }
  log "slot 0: card $CARD_ID, $BEFORE fen (HTTP)"
  card_json -X POST "v1/readers/0/remove" 'j.cardId === null || undefined' >/dev/null || { log "FAIL: POST /v1/readers/0/remove"; exit 1; }
  wait_card absent || { log "FAIL: pcscd still sees a card after POST /v1/readers/0/remove"; exit 1; }
  card_json -X POST -H 'content-type: application/json' -d "{\"cardId\":\"$CARD_ID\"}" "v1/readers/0/insert" "j.cardId === '$CARD_ID' || undefined" >/dev/null \
    || { log "FAIL: POST /v1/readers/0/insert"; exit 1; }
  wait_card present || { log "FAIL: no card after POST /v1/readers/0/insert"; exit 1; }
  log "POST /v1/readers/0/remove and /insert: pcscd saw the card go and come back"
fi

# HOLD=1: hand pcscd and the card over to the client that started this script (it reads the READY
# line, runs its flow through pcscd's unix socket, then ends our stdin); no pyscard flow.
if [ "$HOLD" != 0 ]; then
  echo "[e2e] READY pcscd=$PCSCD card=$CARD_ID port=$HTTP_PORT reader=$READER"
  read -r _ || true
  log "PASS ($CARD, held for the client, $(elapsed) s)"
  exit 0
fi

# 6. pyscard: a full gate entry and exit, the PSAM computed by the script.
RESULT="$WORK/gate-result.json"
timeout 60 "$PY" "$HERE/gate_flow.py" --reader "$READER" --keys "$KEYS" --result "$RESULT" ${GATE_ARGS:-} 2> "$LOGS/gate_flow.err" \
  | tee "$LOGS/gate_flow.txt" >&2 || { log "FAIL: gate_flow.py"; cat "$LOGS/gate_flow.err" >&2; tail -20 "$LOGS/card.log" >&2; exit 1; }
[ -s "$RESULT" ] || { log "FAIL: gate_flow.py wrote no result"; cat "$LOGS/gate_flow.err" >&2; exit 1; }

# 7. In serve mode: the server persisted every APDU, so HTTP shows the card after the exit: the
#    same serial, the balance after the fare and the offline counter after two purchases.
if [ "$CARD" = serve ]; then
  GOT="$(card_json "v1/cards/$CARD_ID" '[j.serial, j.balanceFen, j.counters.offline].join(" ")')" || { log "FAIL: GET /v1/cards/$CARD_ID"; exit 1; }
  WANT="$(node -p 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); [r.serial, r.balanceAfterFen, r.offlineCounterAfter].join(" ")' "$RESULT")"
  WANT_BEFORE="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).balanceBeforeFen' "$RESULT")"
  [ "$BEFORE" = "$WANT_BEFORE" ] && [ "$GOT" = "$WANT" ] \
    || { log "FAIL: HTTP: balance before $BEFORE, now serial/balance/offline counter $GOT; PC/SC saw $WANT_BEFORE, then $WANT"; exit 1; }
  read -r _ AFTER OFFLINE <<< "$GOT"
  log "GET /v1/cards/$CARD_ID: balance $BEFORE -> $AFTER fen, offline counter $OFFLINE, as pyscard saw them"
fi

log "PASS ($CARD, $(elapsed) s)"
