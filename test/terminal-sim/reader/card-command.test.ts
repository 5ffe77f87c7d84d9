// Tests for terminal-sim/reader/card-command.ts: status words → the command's typed error
// (with .sw and .command), unlisted words → UnexpectedStatusError, 6700 → WrongLengthError,
// a 9000 that does not parse → MalformedResponseError.
import { describe, expect, it } from 'vitest';
import {
  CardCommandError,
  MacInvalidError,
  MalformedResponseError,
  runCommand,
  swTable,
  UnexpectedStatusError,
  WrongLengthError,
  type Reader,
} from '../../../terminal-sim/reader/index.js';
import { parseTransitFci, selectTransitApplication } from '../../../terminal-sim/transit/index.js';

/** A reader answering every command with `resp`. */
function canned(resp: number[]): Reader {
  return {
    name: 'canned',
    isConnected: true,
    isCardPresent: () => true,
    connect: async () => Uint8Array.of(0x3b, 0x00),
    transmit: async () => Uint8Array.from(resp),
    disconnect: async () => undefined,
    setTrace: () => undefined,
  };
}

const cmd = (errors = swTable([0x9302, MacInvalidError])) => ({
  name: 'TEST CMD',
  apdu: Uint8Array.of(0x80, 0x01, 0x00, 0x00),
  errors,
  parse: (d: Uint8Array) => {
    if (d.length !== 2) throw new RangeError(`expected 2 bytes, got ${d.length}`);
    return d[0] * 256 + d[1];
  },
});

describe('runCommand', () => {
  it('parses the data of a 9000', async () => {
    expect(await runCommand(canned([0x01, 0x02, 0x90, 0x00]), cmd())).toBe(0x0102);
  });

  it.each([
    [[0x93, 0x02], MacInvalidError, 0x9302],
    [[0x67, 0x00], WrongLengthError, 0x6700],
    [[0x6c, 0x10], WrongLengthError, 0x6c10],
    [[0x6f, 0x00], UnexpectedStatusError, 0x6f00],
    [[0x94, 0x01], UnexpectedStatusError, 0x9401],
  ] as const)('%j → %o', async (resp, cls, sw) => {
    const e = await runCommand(canned([...resp]), cmd()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(cls);
    expect(e).toBeInstanceOf(CardCommandError);
    expect((e as CardCommandError).sw).toBe(sw);
    expect((e as CardCommandError).command).toBe('TEST CMD');
  });

  it('a 9000 that does not parse is a MalformedResponseError naming the problem', async () => {
    const e = await runCommand(canned([0x01, 0x90, 0x00]), cmd()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MalformedResponseError);
    expect((e as Error).message).toBe('TEST CMD: 9000 OK (expected 2 bytes, got 1)');
  });

  it('a malformed FCI fails SELECT with MalformedResponseError', async () => {
    await expect(selectTransitApplication(canned([0x6f, 0x02, 0x84, 0x00, 0x90, 0x00]))).rejects.toThrow(/no tag 9f0c/);
    expect(() => parseTransitFci(Uint8Array.of(0x70, 0x00))).toThrow('FCI: expected tag 6f, got 70');
  });
});
