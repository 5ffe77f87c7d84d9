/**
 * The subway network as a graph: stations (a name shared by several lines is one station, with
 * free in-station transfers), lines with their segment lengths in metres (loop lines close), and
 * out-of-station ("virtual") transfers as zero-length links between two differently named
 * stations when the data says so. DOMAIN.md §5: the fare follows the shortest-path distance.
 *
 * Distances are Dijkstra over integer metres. A {@link PaidArea} is the sub-network of some lines
 * (the fare engine uses one for the network and one per special line behind its own gates); each
 * area caches one shortest-path tree per source station on first use (≈ 20 µs for 425 stations),
 * or all of them with `precompute()`, so repeated quotes are an array read.
 */
import { NoRouteError, UnknownStationError } from './errors.js';

/** A station: its name in the data, and how people may write it. */
export interface Station {
  index: number;
  /** The data's name, unique in the network (may carry a suffix such as `木樨地(1号线)`). */
  id: string;
  /** The name on signs (`木樨地`): may be shared by two stations. */
  display: string;
  pinyin: string | null;
  en: string | null;
  /** Lines serving it, in network order. */
  lines: string[];
}

/** A line: its stations in order and the metres between them. */
export interface Line {
  index: number;
  name: string;
  nameEn: string | null;
  aliases: string[];
  loop: boolean;
  /** Station indices in order. */
  stations: number[];
  /** segmentsM[i] = metres from stations[i] to stations[i + 1]; for a loop the last closes it. */
  segmentsM: number[];
}

/** An out-of-station transfer between two stations, for the line pairs listed. */
export interface VirtualTransfer {
  from: number;
  to: number;
  linePairs: [string, string][];
  minutes: number[];
}

/** What {@link SubwayNetwork}'s constructor takes (network-load.ts builds it from JSON). */
export interface NetworkSpec {
  name: string;
  lines: {
    name: string;
    nameEn?: string | null;
    aliases?: string[];
    loop: boolean;
    stations: { id: string; display?: string; pinyin?: string | null; en?: string | null }[];
    segmentsM: number[];
  }[];
  virtualTransfers?: { from: string; to: string; linePairs: [string, string][]; minutes?: number[] }[];
}

/** One ride on one line (or an out-of-station walk, `line: null`) of a route. */
export interface RouteLeg {
  line: string | null;
  from: string;
  to: string;
  distanceM: number;
  /** Segments ridden (0 for a walk). */
  segments: number;
}

/** A shortest route. */
export interface Route {
  from: string;
  to: string;
  distanceM: number;
  legs: RouteLeg[];
}

interface Tree {
  dist: Float64Array;
  prevEdge: Int32Array;
}

/** The network's stations and lines, with shortest paths inside chosen lines. */
export class SubwayNetwork {
  readonly name: string;
  readonly stations: readonly Station[];
  readonly lines: readonly Line[];
  readonly virtualTransfers: readonly VirtualTransfer[];
  // Edges in CSR form, both directions. edgeLine ≥ 0: a line index; −1 − k: virtual transfer k.
  /** @internal */ readonly adjStart: Int32Array;
  /** @internal */ readonly edgeTo: Int32Array;
  /** @internal */ readonly edgeFrom: Int32Array;
  /** @internal */ readonly edgeM: Int32Array;
  /** @internal */ readonly edgeLine: Int32Array;
  private readonly byId = new Map<string, number>();
  private readonly byAlias = new Map<string, number[]>();
  private readonly lineByName = new Map<string, Line>();
  private readonly areas = new Map<string, PaidArea>();

  /**
   * Builds the graph. The spec is trusted to be well formed (use loadNetwork() for JSON).
   * @throws RangeError for an inconsistent spec (segment count, unknown station of a transfer).
   */
  constructor(spec: NetworkSpec) {
    this.name = spec.name;
    const stations: Station[] = [];
    const lines: Line[] = [];
    const stationOf = (s: NetworkSpec['lines'][number]['stations'][number], line: string): number => {
      let i = this.byId.get(s.id);
      if (i === undefined) {
        i = stations.length;
        stations.push({ index: i, id: s.id, display: s.display ?? s.id, pinyin: s.pinyin ?? null, en: s.en ?? null, lines: [] });
        this.byId.set(s.id, i);
      }
      const st = stations[i];
      if (!st.lines.includes(line)) st.lines.push(line);
      return i;
    };
    for (const l of spec.lines) {
      const n = l.stations.length;
      if (l.segmentsM.length !== (l.loop ? n : n - 1)) throw new RangeError(`line "${l.name}": ${n} stations need ${l.loop ? n : n - 1} segments, got ${l.segmentsM.length}`);
      const line: Line = {
        index: lines.length,
        name: l.name,
        nameEn: l.nameEn ?? null,
        aliases: l.aliases ?? [],
        loop: l.loop,
        stations: l.stations.map((s) => stationOf(s, l.name)),
        segmentsM: [...l.segmentsM],
      };
      lines.push(line);
      this.lineByName.set(l.name, line);
    }
    const vts: VirtualTransfer[] = (spec.virtualTransfers ?? []).map((v) => {
      const from = this.byId.get(v.from);
      const to = this.byId.get(v.to);
      if (from === undefined || to === undefined) throw new RangeError(`virtual transfer ${v.from} → ${v.to}: unknown station`);
      return { from, to, linePairs: v.linePairs.map(([a, b]) => [a, b] as [string, string]), minutes: v.minutes ?? [] };
    });
    this.stations = stations;
    this.lines = lines;
    this.virtualTransfers = vts;

    // Edges: each segment both ways, each virtual transfer both ways.
    const from: number[] = [];
    const to: number[] = [];
    const len: number[] = [];
    const lineOf: number[] = [];
    const add = (a: number, b: number, m: number, li: number): void => {
      from.push(a, b);
      to.push(b, a);
      len.push(m, m);
      lineOf.push(li, li);
    };
    for (const l of lines) {
      const n = l.stations.length;
      for (let i = 0; i < l.segmentsM.length; i++) add(l.stations[i], l.stations[(i + 1) % n], l.segmentsM[i], l.index);
    }
    vts.forEach((v, k) => add(v.from, v.to, 0, -1 - k));
    const count = new Int32Array(stations.length + 1);
    for (const a of from) count[a + 1]++;
    for (let i = 0; i < stations.length; i++) count[i + 1] += count[i];
    this.adjStart = count;
    const fill = count.slice(0, stations.length);
    const e = from.length;
    this.edgeTo = new Int32Array(e);
    this.edgeFrom = new Int32Array(e);
    this.edgeM = new Int32Array(e);
    this.edgeLine = new Int32Array(e);
    for (let k = 0; k < e; k++) {
      const slot = fill[from[k]]++;
      this.edgeFrom[slot] = from[k];
      this.edgeTo[slot] = to[k];
      this.edgeM[slot] = len[k];
      this.edgeLine[slot] = lineOf[k];
    }

    // Look-up keys besides the id: the display name, pinyin and English name (case-insensitive).
    for (const st of stations) {
      const keys = new Set([st.display, st.pinyin?.toLowerCase(), st.en?.toLowerCase(), st.pinyin?.toLowerCase().replace(/\s+/g, '')]);
      for (const k of keys) {
        if (k === undefined || k === '' || k === st.id) continue;
        const list = this.byAlias.get(k);
        if (list === undefined) this.byAlias.set(k, [st.index]);
        else if (!list.includes(st.index)) list.push(st.index);
      }
    }
  }

  /** The line called `name`, if any. */
  line(name: string): Line | undefined {
    return this.lineByName.get(name);
  }

  /**
   * The station called `name`: its id (`木樨地(1号线)`), or its sign name, pinyin or English name
   * when only one station has it. Returns undefined for an unknown name.
   * @throws UnknownStationError when the name fits several stations.
   */
  find(name: string): Station | undefined {
    const i = this.byId.get(name);
    if (i !== undefined) return this.stations[i];
    const list = this.byAlias.get(name) ?? this.byAlias.get(name.trim().toLowerCase());
    if (list === undefined) return undefined;
    if (list.length > 1) {
      throw new UnknownStationError(name, this.name, list.map((k) => this.stations[k].id), 'names several stations of');
    }
    return this.stations[list[0]];
  }

  /**
   * Like {@link find}, but an unknown name throws.
   * @throws UnknownStationError listing up to five close names.
   */
  station(name: string): Station {
    const s = this.find(name);
    if (s === undefined) throw new UnknownStationError(name, this.name, this.suggest(name));
    return s;
  }

  /** Up to `max` station ids closest to `name` (edit distance on names, pinyin for Latin input). */
  suggest(name: string, max = 5): string[] {
    const q = name.trim().toLowerCase();
    const scored: [number, string][] = [];
    for (const st of this.stations) {
      let best = Infinity;
      for (const k of [st.display, st.id, st.pinyin?.toLowerCase(), st.en?.toLowerCase()]) {
        if (k === undefined || k === null) continue;
        const d = k.includes(q) || (q.length >= 2 && q.includes(k)) ? Math.abs(k.length - q.length) * 0.5 : editDistance(q, k);
        if (d < best) best = d;
      }
      const limit = Math.max(1, Math.floor(q.length / 2));
      if (best <= limit) scored.push([best, st.id]);
    }
    scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
    return scored.slice(0, max).map((s) => s[1]);
  }

  /**
   * The paid area made of `lineNames` (every line when omitted), shared between callers.
   * @throws RangeError for a line the network does not have.
   */
  area(lineNames?: Iterable<string>): PaidArea {
    const names = lineNames === undefined ? this.lines.map((l) => l.name) : [...new Set(lineNames)];
    for (const n of names) if (!this.lineByName.has(n)) throw new RangeError(`network "${this.name}" has no line "${n}"`);
    const key = names.map((n) => this.lineByName.get(n)!.index).sort((a, b) => a - b).join(',');
    let a = this.areas.get(key);
    if (a === undefined) this.areas.set(key, (a = new PaidArea(this, new Set(names))));
    return a;
  }

  /** Drops every area's cached shortest-path trees (for cold-path measurements). */
  clearCaches(): void {
    for (const a of this.areas.values()) a.clearCache();
  }

  /**
   * Shortest distance in metres between two stations over every line.
   * @throws UnknownStationError for an unknown name; NoRouteError when they are not connected.
   */
  distanceM(from: string, to: string): number {
    return this.area().distanceBetween(this.station(from).index, this.station(to).index);
  }

  /**
   * The shortest route between two stations over every line, leg by leg.
   * @throws UnknownStationError / NoRouteError.
   */
  route(from: string, to: string): Route {
    return this.area().route(this.station(from).index, this.station(to).index);
  }
}

/** Some lines of a network, with cached shortest-path trees. */
export class PaidArea {
  readonly lines: ReadonlySet<string>;
  private readonly edgeOn: Uint8Array;
  private readonly stationOn: Uint8Array;
  private readonly trees: (Tree | undefined)[];

  /** @internal use SubwayNetwork.area(). */
  constructor(
    readonly network: SubwayNetwork,
    lines: ReadonlySet<string>,
  ) {
    this.lines = lines;
    const net = network;
    const lineOn = net.lines.map((l) => lines.has(l.name));
    this.edgeOn = new Uint8Array(net.edgeLine.length);
    for (let e = 0; e < net.edgeLine.length; e++) {
      const li = net.edgeLine[e];
      if (li >= 0) this.edgeOn[e] = lineOn[li] ? 1 : 0;
      else this.edgeOn[e] = net.virtualTransfers[-1 - li].linePairs.some(([a, b]) => lines.has(a) && lines.has(b)) ? 1 : 0;
    }
    this.stationOn = new Uint8Array(net.stations.length);
    for (const st of net.stations) this.stationOn[st.index] = st.lines.some((l) => lines.has(l)) ? 1 : 0;
    this.trees = new Array(net.stations.length);
  }

  /** Whether the station (index) is served by a line of this area. */
  contains(station: number): boolean {
    return this.stationOn[station] === 1;
  }

  /**
   * Shortest distance in metres between two stations (indices) of this area.
   * @throws NoRouteError when they are not connected within the area.
   */
  distanceBetween(from: number, to: number): number {
    const d = this.tree(from).dist[to];
    if (d === Infinity) throw this.noRoute(from, to);
    return d;
  }

  /** Fills the cache for every source station (all-pairs). */
  precompute(): this {
    for (let i = 0; i < this.trees.length; i++) if (this.stationOn[i] === 1) this.tree(i);
    return this;
  }

  /** Drops the cached trees (for cold-path measurements). */
  clearCache(): void {
    this.trees.fill(undefined);
  }

  /**
   * The shortest route between two stations (indices), merged into legs per line.
   * @throws NoRouteError when they are not connected within the area.
   */
  route(from: number, to: number): Route {
    const net = this.network;
    const t = this.tree(from);
    if (t.dist[to] === Infinity) throw this.noRoute(from, to);
    const edges: number[] = [];
    for (let v = to; v !== from; ) {
      const e = t.prevEdge[v];
      edges.push(e);
      v = net.edgeFrom[e];
    }
    edges.reverse();
    const legs: RouteLeg[] = [];
    for (const e of edges) {
      const li = net.edgeLine[e];
      const line = li >= 0 ? net.lines[li].name : null;
      const last = legs[legs.length - 1];
      if (last !== undefined && last.line === line && line !== null) {
        last.to = net.stations[net.edgeTo[e]].id;
        last.distanceM += net.edgeM[e];
        last.segments++;
      } else {
        legs.push({ line, from: net.stations[net.edgeFrom[e]].id, to: net.stations[net.edgeTo[e]].id, distanceM: net.edgeM[e], segments: line === null ? 0 : 1 });
      }
    }
    return { from: net.stations[from].id, to: net.stations[to].id, distanceM: t.dist[to], legs };
  }

  private noRoute(from: number, to: number): NoRouteError {
    const net = this.network;
    const inArea = (i: number): string => (this.stationOn[i] === 1 ? '' : ` (${net.stations[i].id} is not on ${[...this.lines].join('/')})`);
    return new NoRouteError(net.stations[from].id, net.stations[to].id, net.name, inArea(from) || inArea(to));
  }

  private tree(source: number): Tree {
    const cached = this.trees[source];
    if (cached !== undefined) return cached;
    const t = this.dijkstra(source);
    this.trees[source] = t;
    return t;
  }

  private dijkstra(source: number): Tree {
    const net = this.network;
    const n = net.stations.length;
    const dist = new Float64Array(n).fill(Infinity);
    const prevEdge = new Int32Array(n).fill(-1);
    const done = new Uint8Array(n);
    const heap = new MinHeap(n);
    dist[source] = 0;
    heap.push(0, source);
    while (heap.size > 0) {
      const u = heap.popNode();
      if (done[u] === 1) continue;
      done[u] = 1;
      const du = dist[u];
      for (let e = net.adjStart[u]; e < net.adjStart[u + 1]; e++) {
        if (this.edgeOn[e] === 0) continue;
        const v = net.edgeTo[e];
        const dv = du + net.edgeM[e];
        if (dv < dist[v]) {
          dist[v] = dv;
          prevEdge[v] = e;
          heap.push(dv, v);
        }
      }
    }
    return { dist, prevEdge };
  }
}

/** A binary min-heap of (key, node) with lazy deletion (duplicates are skipped by the caller). */
class MinHeap {
  private keys: Float64Array;
  private nodes: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.nodes = new Int32Array(Math.max(16, capacity));
  }
  push(key: number, node: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      const nd = new Int32Array(this.size * 2);
      nd.set(this.nodes);
      this.keys = k;
      this.nodes = nd;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p] <= key) break;
      this.keys[i] = this.keys[p];
      this.nodes[i] = this.nodes[p];
      i = p;
    }
    this.keys[i] = key;
    this.nodes[i] = node;
  }
  popNode(): number {
    const top = this.nodes[0];
    const n = --this.size;
    if (n > 0) {
      const key = this.keys[n];
      const node = this.nodes[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && this.keys[c + 1] < this.keys[c]) c++;
        if (this.keys[c] >= key) break;
        this.keys[i] = this.keys[c];
        this.nodes[i] = this.nodes[c];
        i = c;
      }
      this.keys[i] = key;
      this.nodes[i] = node;
    }
    return top;
  }
}

/** Levenshtein distance (UTF-16 units; Chinese station names are one unit per character). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}
