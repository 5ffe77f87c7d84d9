import { describe, expect, it } from 'vitest';
import { Nvm, Tx } from '../../engine/card/nvm.js';
import { bytesToHex } from '../../crypto/utils.js';

const b = (...x: number[]) => Uint8Array.from(x);
const snapshot = (n: Nvm) => JSON.stringify(n.toJSON().cells);

describe('NVM transactions and tearing', () => {
  const base = () => {
    const n = new Nvm();
    n.personalise('a', b(1));
    n.personalise('b', b(2));
    n.personalise('c', b(3));
    return n;
  };
  const writes = (n: Nvm) => {
    const tx = new Tx(n);
    tx.set('a', b(10));
    tx.set('b', b(20));
    tx.delete('c');
    tx.set('d', b(40));
    return tx.writes;
  };

  it('a complete commit applies every write', () => {
    const n = base();
    expect(n.commit(writes(n))).toBe(true);
    expect(snapshot(n)).toBe(JSON.stringify({ a: '0a', b: '14', d: '28' }));
    expect(n.pendingJournal).toBe(false);
  });

  it('a tear at every commit step recovers to exactly before or exactly after', () => {
    const before = snapshot(base());
    const after = (() => {
      const n = base();
      n.commit(writes(n));
      return snapshot(n);
    })();
    const steps = Nvm.commitSteps(4);
    for (let stop = 1; stop < steps; stop++) {
      const n = base();
      expect(n.commit(writes(n), stop), `stop ${stop}`).toBe(false);
      // The image survives a restart in between (JSON round trip), journal included.
      const restored = Nvm.fromJSON(JSON.parse(JSON.stringify(n.toJSON())));
      const outcome = restored.recover();
      expect(snapshot(restored), `stop ${stop}`).toBe(stop === 1 ? before : after);
      expect(outcome).toBe(stop === 1 ? 'rolled-back' : 'rolled-forward');
      expect(restored.recover()).toBe('clean');
    }
  });

  it('staged reads see staged writes; the caller buffer is never aliased', () => {
    const n = base();
    const tx = new Tx(n);
    const buf = b(7);
    tx.set('a', buf);
    buf[0] = 99;
    expect(bytesToHex(tx.get('a')!)).toBe('07');
    expect(bytesToHex(n.get('a')!)).toBe('01');
    tx.delete('b');
    expect(tx.get('b')).toBeUndefined();
  });

  it('fromJSON rejects malformed images', () => {
    expect(() => Nvm.fromJSON({ cells: { a: 'zz' } })).toThrow(/cells\.a/);
    expect(() => Nvm.fromJSON(null as never)).toThrow(RangeError);
  });
});
