/**
 * How the rule loaders and the fare request checker name a bad value in an error message: short
 * strings quoted (cut after `maxChars`, so a message stays one short line), other values by kind.
 */
export function showValue(v: unknown, maxChars = 40): string {
  if (typeof v === 'string') return JSON.stringify(v.length > maxChars ? v.slice(0, maxChars) + '…' : v);
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return String(v);
}
