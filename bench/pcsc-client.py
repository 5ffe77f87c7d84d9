#!/usr/bin/python3
"""PC/SC load for the server benchmark (bench/server.bench.ts, case pcsc-apdu).

Run with /usr/bin/python3: Debian's python3-pyscard lives in /usr/lib/python3/dist-packages
(shared/reference/pcsc/README.md, pitfall 6).

    /usr/bin/python3 bench/pcsc-client.py READER N WARMUP

Waits (up to 15 s) for a card in READER, SELECTs the transit application, sends WARMUP untimed
and then N timed transmits through the raw SCardTransmit API, alternating GET BALANCE and READ
BINARY of EF15, each timed on the client. Prints one JSON line:
{"good": n, "errors": n, "seconds": s, "latenciesMs": [...]} (latencies of the good ones).
Exit 0, or 3 when the card never shows up.
"""
import json
import sys
import time

from smartcard.scard import (SCARD_LEAVE_CARD, SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1,
                             SCARD_S_SUCCESS, SCARD_SCOPE_USER, SCARD_SHARE_SHARED,
                             SCardConnect, SCardDisconnect, SCardEstablishContext,
                             SCardReleaseContext, SCardTransmit)

READER = sys.argv[1]
N = int(sys.argv[2])
WARMUP = int(sys.argv[3])

SELECT = [0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0x00, 0x00, 0x06, 0x32, 0x01, 0x01, 0x05]
MIX = [[0x80, 0x5C, 0x00, 0x02, 0x04], [0x00, 0xB0, 0x95, 0x00, 0x00]]

hr, ctx = SCardEstablishContext(SCARD_SCOPE_USER)
if hr != SCARD_S_SUCCESS:
    print("SCardEstablishContext failed: 0x%08X" % (hr & 0xFFFFFFFF), file=sys.stderr)
    sys.exit(3)

# pcscd polls its readers about every 400 ms: the card appears some time after the vicc connects.
card = None
deadline = time.monotonic() + 15
while time.monotonic() < deadline:
    hr, card, proto = SCardConnect(ctx, READER, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1)
    if hr == SCARD_S_SUCCESS:
        break
    card = None
    time.sleep(0.1)
if card is None:
    print("no card in %r after 15 s (last: 0x%08X)" % (READER, hr & 0xFFFFFFFF), file=sys.stderr)
    sys.exit(3)


def ok(hr, resp):
    return hr == SCARD_S_SUCCESS and len(resp) >= 2 and resp[-2] == 0x90 and resp[-1] == 0x00


hr, resp = SCardTransmit(card, proto, SELECT)
if not ok(hr, resp):
    print("SELECT failed: hr 0x%08X resp %r" % (hr & 0xFFFFFFFF, resp), file=sys.stderr)
    sys.exit(1)

for i in range(WARMUP):
    SCardTransmit(card, proto, MIX[i & 1])

lat = []
errors = 0
now = time.perf_counter
t0 = now()
for i in range(N):
    a = now()
    hr, resp = SCardTransmit(card, proto, MIX[i & 1])
    b = now()
    if ok(hr, resp):
        lat.append((b - a) * 1000)
    else:
        errors += 1
seconds = now() - t0

SCardDisconnect(card, SCARD_LEAVE_CARD)
SCardReleaseContext(ctx)
print(json.dumps({"good": len(lat), "errors": errors, "seconds": seconds,
                  "latenciesMs": [round(x, 4) for x in lat]}))
