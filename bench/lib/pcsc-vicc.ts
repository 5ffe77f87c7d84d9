/**
 * The benchmark's vicc: one card in a vpcd slot, so pcscd's `Virtual PCD 00 0<slot>` reader sees
 * it. The card lives in a SQLite store in `--data` and is driven through StoredCard, the server's
 * path — every APDU that changes the card is saved before its reply — so the PC/SC figure is
 * measured with the same durability as the HTTP ones. Started by bench/lib/pcsc-rig.ts inside
 * pcscd's network namespace:
 *
 *   node dist/bench/lib/pcsc-vicc.js --data DIR [--slot 0]
 *
 * Prints `ready <serial>` on stdout once the slot is connecting; SIGTERM stops the slot and exits.
 */
import { join } from 'node:path';
import { issueCardImage } from '../../engine/index.js';
import { SqliteCardStore, StoredCard } from '../../terminal-sim/store/index.js';
import { VpcdSlot } from '../../terminal-sim/transport/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dataDir = arg('--data');
if (dataDir === undefined) {
  console.error('usage: node pcsc-vicc.js --data DIR [--slot 0]');
  process.exit(2);
}
const slotNo = Number(arg('--slot') ?? 0);
const clock = { now: Date.now };
const store = new SqliteCardStore(join(dataDir, 'cards.db'), { now: Date.now });
const image = issueCardImage({ seed: 7, clock, balanceFen: 50_000 });
const card = StoredCard.create(store, 'bench-pcsc', image, undefined, { clock });
const slot = new VpcdSlot({
  slot: slotNo,
  onEvent: (e) => {
    if (e.type === 'card-error') console.error('[vicc] card error', e.error);
  },
});
slot.insert({ powerOn: () => card.powerOn(), powerOff: () => card.powerOff(), transmit: (apdu) => card.transmit(apdu) });
console.log(`ready ${image.info.serial}`);

const shutdown = () => {
  slot.stop();
  store.close();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
