/**
 * JSON Merge Patch (RFC 7396 §2): how a stored card's saved changes (Card.imagePatch) are folded
 * back into its image. Written here rather than taken from npm: the algorithm is the RFC's ten
 * lines, and the store needs it to refuse `__proto__` (a patch read back from the database must
 * never reach an object's prototype).
 */

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Applies `patch` to `target` and returns the result (RFC 7396 MergePatch). Objects are merged
 * member by member, in place when `target` is an object; null deletes a member; anything else —
 * arrays included — replaces.
 * @throws RangeError for a `__proto__` member.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? target : {};
  for (const k of Object.keys(patch)) {
    if (k === '__proto__') throw new RangeError('merge patch: "__proto__" is not a member name a patch may use');
    const v = patch[k];
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
