// Test helpers for terminals: an extra gate with its own reader and PSAM on a setup's clock and
// journal, and tapping a card on any reader.
import type { Card } from '../../../engine/index.js';
import { issuePsam } from '../../../terminal-sim/psam/index.js';
import { MemoryReader, type Reader } from '../../../terminal-sim/reader/index.js';
import { Gate, type GateOptions, type TransitSetup } from '../../../terminal-sim/terminals/index.js';

/** Puts `card` in `reader`, runs `fn`, takes the card out. */
export async function tap<T>(reader: MemoryReader, card: Card, fn: () => Promise<T>): Promise<T> {
  reader.insertCard(card);
  try {
    return await fn();
  } finally {
    reader.removeCard();
  }
}

export interface ExtraGate {
  gate: Gate;
  reader: MemoryReader;
  samReader: MemoryReader;
  present(card: Card): ReturnType<Gate['present']>;
}

let n = 0;

/** A gate of its own (reader, PSAM with `terminalId`) sharing the setup's clock and journal. */
export function extraGate(
  s: TransitSetup,
  direction: 'entry' | 'exit',
  opts: Partial<GateOptions> & { terminalId?: string; issuerKeys?: { purchase: Uint8Array; keyVersion: number }; wrapSam?: (r: MemoryReader) => Reader } = {},
): ExtraGate {
  const id = ++n;
  const reader = new MemoryReader(`gate-${id}`);
  const samReader = new MemoryReader(`gate-${id}-sam`, { card: issuePsam({ terminalId: opts.terminalId ?? `2000000000${String(id).padStart(2, '0')}`, issuerKeys: opts.issuerKeys ?? s.issuerKeys }) });
  const { terminalId: _t, issuerKeys: _k, wrapSam, ...rest } = opts;
  const gate = new Gate({
    direction,
    cardReader: reader,
    psam: wrapSam ? wrapSam(samReader) : samReader,
    clock: s.clock,
    journal: s.journal,
    station: { line: 9, station: 900 + id },
    ...rest,
  });
  return { gate, reader, samReader, present: (card) => tap(reader, card, () => gate.present()) };
}
