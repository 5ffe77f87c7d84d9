// Atomicity of the purse at the card level (STYLE.md "Atomicity", DOMAIN.md §3 [V]): CREDIT FOR
// LOAD and DEBIT FOR CAPP PURCHASE (with two cached 80DC records) are torn before, during (at
// every step of Nvm.commit) and after their commit. At the next power-on the whole NVM — balance,
// both counters, every 0018 / 1A / 1E record, the last-transaction proof — must be exactly the
// state before or exactly the state after (the latter computed by running the same flow untorn on
// a clone of the card image), `card.lastRecovery` must say which, and GET TRANSACTION PROVE must
// tell the terminal which one happened.
import { describe, expect, it } from 'vitest';
import { CardPowerError } from '../../engine/card/card.js';
import type { Card, TearPhase } from '../../engine/card/card.js';
import { Nvm } from '../../engine/card/nvm.js';
import type { RecoveryOutcome } from '../../engine/card/nvm.js';
import { seededRng } from '../../engine/card/env.js';
import { cardFromImage, issueCard } from '../../engine/personalise/issue-card.js';
import { TX_TYPE } from '../../engine/apps/transit/purse-crypto.js';
import type { PurseAlg, PurseKeys } from '../../engine/apps/transit/purse-crypto.js';
import {
  be,
  cardKeysOf,
  compoundRecord,
  creditApdu,
  debitApdu,
  exchange,
  h,
  hx,
  initLoadApdu,
  initPurchaseApdu,
  loadMac2,
  nvmCells,
  parseLoadInit,
  parsePurchaseInit,
  purchase,
  purchaseMac1,
  SELECT_TRANSIT,
  send,
  travelRecord,
} from './support/purse-terminal.js';

/** The Rng seed both the card under test and its clone use, so that they draw the same randoms. */
const RUN_RNG = 'tear-run';

interface Flow {
  name: string;
  /** Sends everything before the committing APDU; returns that APDU and the proof query. */
  prepare(card: Card, keys: PurseKeys): { commit: Uint8Array; prove: string };
  /** Cells the commit writes, as patterns over the cell names. */
  writes: RegExp[];
}

function flows(alg: PurseAlg): Flow[] {
  return [
    {
      name: 'CREDIT FOR LOAD',
      prepare(card, keys) {
        expect(exchange(card, SELECT_TRANSIT).sw).toBe(0x9000);
        const res = send(card, initLoadApdu(2_000));
        expect(res.sw).toBe(0x9000);
        const init = parseLoadInit(res.data);
        return { commit: creditApdu(loadMac2(alg, keys, init, 2_000)), prove: `805A000202${hx(be(init.counter, 2))}` };
      },
      writes: [/:balance$/, /:online-counter$/, /:last-tx-online$/, /^m:.*\/0018$/, /^r:.*\/0018:\d+$/],
    },
    {
      name: 'DEBIT FOR CAPP PURCHASE with two cached records',
      prepare(card, keys) {
        expect(exchange(card, SELECT_TRANSIT).sw).toBe(0x9000);
        const res = send(card, initPurchaseApdu('capp', 300));
        expect(res.sw).toBe(0x9000);
        const init = parsePurchaseInit(res.data);
        expect(send(card, `80DC01D080${hx(compoundRecord(0x01, 0x01, 0x3c))}`).sw).toBe(0x9000);
        expect(send(card, `80DC00F030${hx(travelRecord(0x5e))}`).sw).toBe(0x9000);
        const seq = h('00001234');
        return {
          commit: debitApdu(seq, purchaseMac1(alg, keys, init, 300, TX_TYPE.CAPP_PURCHASE, seq)),
          prove: `805A000902${hx(be(init.counter, 2))}`,
        };
      },
      writes: [/:balance$/, /:offline-counter$/, /:last-tx-offline$/, /^m:.*\/0018$/, /^r:.*\/0018:\d+$/, /^r:.*\/001a:1$/, /^m:.*\/001e$/, /^r:.*\/001e:\d+$/],
    },
  ];
}

/** A used card (one earlier purchase: a proof and an 0018 record exist), as a JSON image. */
function baseImage(alg: PurseAlg): { image: string; keys: PurseKeys } {
  const card = issueCard({ algorithm: alg, seed: 300, balanceFen: 5_000 });
  card.powerOn();
  exchange(card, SELECT_TRANSIT);
  const keys = cardKeysOf(card, alg);
  purchase(card, alg, keys, 100);
  card.powerOff();
  return { image: JSON.stringify(card.toJSON()), keys };
}

interface Case {
  phase: TearPhase;
  step?: number;
  want: 'before' | 'after';
  recovery: RecoveryOutcome;
}

/** Every tear point of a commit of `n` writes, with the state it must leave. */
function tearCases(n: number): Case[] {
  const out: Case[] = [
    { phase: 'before-commit', want: 'before', recovery: 'clean' },
    { phase: 'after-commit', want: 'after', recovery: 'clean' },
  ];
  for (let step = 1; step <= Nvm.commitSteps(n) - 1; step++) {
    out.push({ phase: 'during-commit', step, want: step === 1 ? 'before' : 'after', recovery: step === 1 ? 'rolled-back' : 'rolled-forward' });
  }
  return out;
}

describe.each(['3des', 'sm4'] as const)('tearing the purse commit, %s profile', (alg) => {
  const { image, keys } = baseImage(alg);

  for (const flow of flows(alg)) {
    describe(flow.name, () => {
      /** The card under test, prepared up to the committing APDU, and the untorn outcome of a clone. */
      function arrange() {
        const card = cardFromImage(JSON.parse(image), { rng: seededRng(RUN_RNG) });
        const clone = cardFromImage(JSON.parse(JSON.stringify(card.toJSON())), { rng: seededRng(RUN_RNG) });
        card.powerOn();
        const { commit, prove } = flow.prepare(card, keys);
        const before = nvmCells(card);
        expect(before, 'nothing is written before the commit').toEqual(JSON.parse(image).nvm.cells);

        clone.powerOn();
        const c = flow.prepare(clone, keys);
        expect(hx(c.commit), 'the clone runs the same flow').toBe(hx(commit));
        const res = send(clone, commit);
        expect(res.sw).toBe(0x9000);
        const after = nvmCells(clone);
        const proof = send(clone, prove);
        expect(proof.sw).toBe(0x9000);
        return { card, commit, prove, before, after, proofAfter: hx(proof.data), balanceAfter: hx(send(clone, '805C000204').data) };
      }

      const changed = (() => {
        const { before, after } = arrange();
        return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]).sort();
      })();

      it('the commit writes exactly the purse cells together (balance, counter, 0018, proof, cached records)', () => {
        expect(changed.length).toBe(flow.writes.length);
        for (const re of flow.writes) expect(changed.filter((k) => re.test(k)), String(re)).toHaveLength(1);
      });

      it.each(tearCases(changed.length).map((c) => ({ ...c, label: c.phase === 'during-commit' ? `during-commit step ${c.step}` : c.phase })))(
        'torn $label → exactly $want ($recovery); GET TRANSACTION PROVE tells',
        ({ phase, step, want, recovery }) => {
          const { card, commit, prove, before, after, proofAfter, balanceAfter } = arrange();
          card.injectTear({ afterApdus: 0, phase, step });
          let thrown: unknown;
          try {
            card.transmit(commit);
          } catch (e) {
            thrown = e;
          }
          expect(thrown).toBeInstanceOf(CardPowerError);
          expect((thrown as CardPowerError).torn).toBe(true);
          expect(card.isPowered).toBe(false);
          expect(() => card.transmit(h('805C000204'))).toThrow(CardPowerError);

          // The torn image survives a restart of the simulator (journal included).
          const tornImage = JSON.stringify(card.toJSON());
          const restarted = cardFromImage(JSON.parse(tornImage), { rng: seededRng('other') });

          card.powerOn();
          expect(card.lastRecovery).toBe(recovery);
          expect(nvmCells(card)).toEqual(want === 'before' ? before : after);
          restarted.powerOn();
          expect(restarted.lastRecovery).toBe(recovery);
          expect(nvmCells(restarted)).toEqual(nvmCells(card));

          // The terminal finds out: GET TRANSACTION PROVE for the counter it used.
          expect(exchange(card, SELECT_TRANSIT).sw).toBe(0x9000);
          const p = send(card, prove);
          if (want === 'after') {
            expect(p.sw).toBe(0x9000);
            expect(hx(p.data)).toBe(proofAfter);
            expect(hx(send(card, '805C000204').data)).toBe(balanceAfter);
          } else {
            expect(p.sw).toBe(0x9403);
            expect(p.data.length).toBe(0);
            const balanceCell = Object.keys(before).find((k) => k.endsWith(':balance'))!;
            expect(hx(send(card, '805C000204').data)).toBe(before[balanceCell]);
          }
          // A second power-on has nothing left to recover.
          card.powerOff();
          card.powerOn();
          expect(card.lastRecovery).toBe('clean');
        },
      );

      it('a tear at step commitSteps(writes) lets the commit finish: after, clean (the write count is exact)', () => {
        const { card, commit, after } = arrange();
        card.injectTear({ afterApdus: 0, phase: 'during-commit', step: Nvm.commitSteps(changed.length) });
        expect(() => card.transmit(commit)).toThrow(CardPowerError);
        card.powerOn();
        expect(card.lastRecovery).toBe('clean');
        expect(nvmCells(card)).toEqual(after);
      });
    });
  }

  it('afterApdus counts APDUs: a tear armed before 8050 strikes the 8054 four APDUs later', () => {
    const [, capp] = flows(alg);
    const card = cardFromImage(JSON.parse(image), { rng: seededRng(RUN_RNG) });
    card.powerOn();
    const before = nvmCells(card);
    // SELECT, 8050, 80DC, 80DC complete normally; the 5th APDU (8054) is torn mid-commit.
    card.injectTear({ afterApdus: 4, phase: 'during-commit', step: 1 });
    const { commit } = capp.prepare(card, keys);
    expect(() => card.transmit(commit)).toThrow(CardPowerError);
    card.powerOn();
    expect(card.lastRecovery).toBe('rolled-back');
    expect(nvmCells(card)).toEqual(before);
  });

  it('a tear on a command that writes nothing loses power and leaves NVM clean', () => {
    const card = cardFromImage(JSON.parse(image));
    card.powerOn();
    const before = nvmCells(card);
    for (const phase of ['before-commit', 'during-commit', 'after-commit'] as const) {
      card.injectTear({ afterApdus: 0, phase, step: 1 });
      expect(() => card.transmit(h(SELECT_TRANSIT))).toThrow(CardPowerError);
      card.powerOn();
      expect(card.lastRecovery).toBe('clean');
      expect(nvmCells(card)).toEqual(before);
    }
  });
});
