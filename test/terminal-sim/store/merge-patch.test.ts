// applyMergePatch (terminal-sim/store/merge-patch.ts) against RFC 7396's own test cases
// (vectors/json/rfc7396-merge-patch.json), and the prototype guard.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../../terminal-sim/store/merge-patch.js';

const FILE = JSON.parse(readFileSync(new URL('../../../vectors/json/rfc7396-merge-patch.json', import.meta.url), 'utf8')) as {
  vectors: { id: string; original: unknown; patch: unknown; result: unknown }[];
};

describe('applyMergePatch', () => {
  it('has the RFC vectors', () => expect(FILE.vectors.length).toBe(17));

  it.each(FILE.vectors)('RFC 7396 $id', ({ original, patch, result }) => {
    expect(applyMergePatch(structuredClone(original), patch)).toEqual(result);
  });

  it('refuses a __proto__ member and leaves Object.prototype alone', () => {
    const patch = JSON.parse('{"a": {"__proto__": {"polluted": 1}}}') as unknown;
    expect(() => applyMergePatch({ a: {} }, patch)).toThrow(/__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
