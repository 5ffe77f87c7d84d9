/**
 * Loads a subway network from the shared JSON format (../shared/data/beijing-subway.json and
 * its README): `lines[]` with `name`, `loop`, `stations` in order, `segments_m` (metres to the
 * next station; for a loop the last closes it), optional `stations_display` / `stations_pinyin` /
 * `stations_en` / `name_en` / `aliases`; `transfers[]` (stations on several lines, checked
 * against the lines) and `virtual_transfers[]` (out-of-station transfers between differently
 * named stations). Other fields (`source`, `totals`, `fare_rules_from_source` …) are ignored:
 * fares live in tariff documents.
 *
 * Every field is validated; an error names the path of the bad field
 * (`lines[3].segments_m[7]`). The engine does no I/O: the caller reads and parses the file.
 */
import { NetworkDataError } from './errors.js';
import { type NetworkSpec, SubwayNetwork } from './network.js';
import { showValue } from './show-value.js';

export interface LoadNetworkOptions {
  /** Name used in messages and errors (default `network`). */
  name?: string;
  /**
   * Out-of-station transfers: `free` links the two stations at 0 m, so a trip through one prices
   * as one trip (default); `ignore` leaves them out [U: how Beijing's AFC joins the two taps].
   */
  virtualTransfers?: 'free' | 'ignore';
}

/** The longest segment accepted, metres (the longest real one is about 26 km). */
const MAX_SEGMENT_M = 100_000;

/**
 * Validates a network document and builds its graph.
 * @throws NetworkDataError naming the path of the first bad field.
 */
export function loadNetwork(doc: unknown, opts: LoadNetworkOptions = {}): SubwayNetwork {
  const name = opts.name ?? 'network';
  function fail(path: string, detail: string): never {
    throw new NetworkDataError(`network "${name}"`, path, detail);
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const str = (path: string, v: unknown): string => (typeof v === 'string' && v.trim().length > 0 ? v : fail(path, `expected a non-empty string, got ${showValue(v)}`));
  const optStrArray = (path: string, v: unknown, len: number, nullable: boolean): (string | null)[] | undefined => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return fail(path, `expected an array, got ${showValue(v)}`);
    if (v.length !== len) return fail(path, `expected ${len} entries (one per station), got ${v.length}`);
    return v.map((e, i) => (nullable && e === null ? null : str(`${path}[${i}]`, e)));
  };

  if (!isObj(doc)) fail('', `expected an object, got ${showValue(doc)}`);
  const d = doc as Record<string, unknown>;
  if (!Array.isArray(d.lines) || d.lines.length === 0) fail('lines', `expected a non-empty array, got ${showValue(d.lines)}`);
  const lineNames = new Map<string, Set<string>>();
  const spec: NetworkSpec = { name, lines: [] };
  (d.lines as unknown[]).forEach((l, li) => {
    const p = `lines[${li}]`;
    if (!isObj(l)) fail(p, `expected an object, got ${showValue(l)}`);
    const lineName = str(`${p}.name`, l.name);
    if (lineNames.has(lineName)) fail(`${p}.name`, `duplicate line name "${lineName}"`);
    const loop = l.loop === undefined ? false : typeof l.loop === 'boolean' ? l.loop : fail(`${p}.loop`, `expected true or false, got ${showValue(l.loop)}`);
    if (!Array.isArray(l.stations)) fail(`${p}.stations`, `expected an array, got ${showValue(l.stations)}`);
    const stations = (l.stations as unknown[]).map((s, i) => str(`${p}.stations[${i}]`, s));
    const min = loop ? 3 : 2;
    if (stations.length < min) fail(`${p}.stations`, `expected at least ${min} stations, got ${stations.length}`);
    const seen = new Set<string>();
    stations.forEach((s, i) => {
      if (seen.has(s)) fail(`${p}.stations[${i}]`, `station "${s}" appears twice on the line`);
      seen.add(s);
    });
    lineNames.set(lineName, seen);
    if (!Array.isArray(l.segments_m)) fail(`${p}.segments_m`, `expected an array, got ${showValue(l.segments_m)}`);
    const segs = l.segments_m as unknown[];
    const want = loop ? stations.length : stations.length - 1;
    if (segs.length !== want) fail(`${p}.segments_m`, `expected ${want} segments for ${stations.length} stations${loop ? ' on a loop' : ''}, got ${segs.length}`);
    const segmentsM = segs.map((m, i) =>
      typeof m === 'number' && Number.isSafeInteger(m) && m > 0 && m <= MAX_SEGMENT_M ? m : fail(`${p}.segments_m[${i}]`, `expected whole metres in [1, ${MAX_SEGMENT_M}], got ${showValue(m)}`),
    );
    const display = optStrArray(`${p}.stations_display`, l.stations_display, stations.length, false);
    const pinyin = optStrArray(`${p}.stations_pinyin`, l.stations_pinyin, stations.length, true);
    const en = optStrArray(`${p}.stations_en`, l.stations_en, stations.length, true);
    const aliases = l.aliases === undefined ? [] : Array.isArray(l.aliases) ? l.aliases.map((a, i) => str(`${p}.aliases[${i}]`, a)) : fail(`${p}.aliases`, `expected an array, got ${showValue(l.aliases)}`);
    const nameEn = l.name_en === undefined || l.name_en === null ? null : str(`${p}.name_en`, l.name_en);
    spec.lines.push({
      name: lineName,
      nameEn,
      aliases,
      loop,
      segmentsM,
      stations: stations.map((id, i) => ({ id, display: display?.[i] ?? id, pinyin: pinyin?.[i] ?? null, en: en?.[i] ?? null })),
    });
  });

  // A station id shared by lines must show the same sign name everywhere.
  const displayOf = new Map<string, [string, string]>();
  spec.lines.forEach((l, li) =>
    l.stations.forEach((s, i) => {
      const prev = displayOf.get(s.id);
      if (prev === undefined) displayOf.set(s.id, [s.display!, `lines[${li}]`]);
      else if (prev[0] !== s.display) fail(`lines[${li}].stations_display[${i}]`, `"${s.display}" differs from "${prev[0]}" given for "${s.id}" in ${prev[1]}`);
    }),
  );

  if (d.transfers !== undefined) {
    if (!Array.isArray(d.transfers)) fail('transfers', `expected an array, got ${showValue(d.transfers)}`);
    (d.transfers as unknown[]).forEach((t, i) => {
      const p = `transfers[${i}]`;
      if (!isObj(t)) fail(p, `expected an object, got ${showValue(t)}`);
      const st = str(`${p}.station`, t.station);
      if (!Array.isArray(t.lines)) fail(`${p}.lines`, `expected an array, got ${showValue(t.lines)}`);
      (t.lines as unknown[]).forEach((ln, j) => {
        const lineName = str(`${p}.lines[${j}]`, ln);
        const set = lineNames.get(lineName);
        if (set === undefined) fail(`${p}.lines[${j}]`, `no line "${lineName}"`);
        if (!set!.has(st)) fail(`${p}.lines[${j}]`, `line "${lineName}" has no station "${st}"`);
      });
    });
  }

  if (d.virtual_transfers !== undefined) {
    if (!Array.isArray(d.virtual_transfers)) fail('virtual_transfers', `expected an array, got ${showValue(d.virtual_transfers)}`);
    const vts: NonNullable<NetworkSpec['virtualTransfers']> = [];
    (d.virtual_transfers as unknown[]).forEach((v, i) => {
      const p = `virtual_transfers[${i}]`;
      if (!isObj(v)) fail(p, `expected an object, got ${showValue(v)}`);
      const from = str(`${p}.from_station`, v.from_station);
      const to = str(`${p}.to_station`, v.to_station);
      if (from === to) fail(`${p}.to_station`, 'is the same station as from_station (same-name transfers are implicit)');
      if (!Array.isArray(v.lines) || v.lines.length === 0) fail(`${p}.lines`, `expected a non-empty array of [from line, to line], got ${showValue(v.lines)}`);
      const linePairs = (v.lines as unknown[]).map((pair, j): [string, string] => {
        if (!Array.isArray(pair) || pair.length !== 2) return fail(`${p}.lines[${j}]`, `expected [from line, to line], got ${showValue(pair)}`);
        const a = str(`${p}.lines[${j}][0]`, pair[0]);
        const b = str(`${p}.lines[${j}][1]`, pair[1]);
        if (!lineNames.get(a)?.has(from)) fail(`${p}.lines[${j}][0]`, `line "${a}" has no station "${from}"`);
        if (!lineNames.get(b)?.has(to)) fail(`${p}.lines[${j}][1]`, `line "${b}" has no station "${to}"`);
        return [a, b];
      });
      let minutes: number[] = [];
      if (v.minutes !== undefined) {
        if (!Array.isArray(v.minutes)) fail(`${p}.minutes`, `expected an array, got ${showValue(v.minutes)}`);
        minutes = (v.minutes as unknown[]).map((m, j) => (typeof m === 'number' && Number.isFinite(m) && m >= 0 ? m : fail(`${p}.minutes[${j}]`, `expected minutes ≥ 0, got ${showValue(m)}`)));
      }
      vts.push({ from, to, linePairs, minutes });
    });
    if (opts.virtualTransfers !== 'ignore') spec.virtualTransfers = vts;
  }
  return new SubwayNetwork(spec);
}
