/**
 * The e2e vicc: issues a demo card (engine issueCard) and puts it in a vpcd slot, so pcscd's
 * `Virtual PCD 00 0<slot>` reader sees it. Run by ./run.sh inside pcscd's network namespace.
 *
 *   node vicc-main.js [--slot 0] [--port N] [--seed 1] [--balance FEN] [--trace]
 *
 * --balance issues the card with that balance (an issuer pre-load, as `ssc3 serve --demo` does):
 * a purse issued at 0 fen would need a top-up before gate_flow.py can charge a fare.
 *
 * Logs connection/power events and APDU counts to stderr; APDU bytes only with --trace.
 * SIGTERM/SIGINT: stop the slot (socket closed = card removed) and exit 0.
 */
import { issueCard } from '../../../engine/index.js';
import { bytesToHex } from '../../../crypto/utils.js';
import { VpcdSlot } from '../../../terminal-sim/transport/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const slotNo = Number(arg('--slot') ?? 0);
const port = arg('--port') === undefined ? undefined : Number(arg('--port'));
const seed = Number(arg('--seed') ?? 1);
const balanceFen = Number(arg('--balance') ?? 0);
const log = (...a: unknown[]) => console.error('[vicc]', ...a);

const card = issueCard({ seed, balanceFen });
const slot = new VpcdSlot({
  slot: slotNo,
  ...(port === undefined ? {} : { port }),
  onEvent: (e) => {
    if (e.type === 'get-atr' || e.type === 'connecting' || e.type === 'retry') return; // ~2.5/s polls, retries
    log(JSON.stringify(e, (k, v: unknown) => (v instanceof Error ? v.message : k === 'sw' && typeof v === 'number' ? v.toString(16).padStart(4, '0') : v)));
  },
  ...(process.argv.includes('--trace') ? { trace: (dir: 'in' | 'out', p: Uint8Array) => log(dir, bytesToHex(p)) } : {}),
});
slot.insert(card);
log(`card ${card.info.serial} in slot ${slotNo}, connecting to ${slot.host}:${slot.port}`);

const shutdown = () => {
  slot.stop();
  log('stopped; stats', JSON.stringify(slot.stats));
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
