// Tests for the subway network: the shared-format loader (every kind of bad field, named by its
// path), station look-up (sign names, pinyin, ambiguity, suggestions), Dijkstra distances and
// routes on the shipped sample, and on the full network at ../shared/data cross-checked against
// an independent Floyd–Warshall in this file.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SAMPLE_NETWORK_DOC } from '../../engine/rules/data/sample-network.js';
import { NetworkDataError, NoRouteError, UnknownStationError } from '../../engine/rules/errors.js';
import { loadNetwork } from '../../engine/rules/network-load.js';
import { editDistance } from '../../engine/rules/network.js';
import { readShared } from './shared-data.js';

const full = readShared('beijing-subway.json') as
  | { lines: { name: string; loop: boolean; stations: string[]; segments_m: number[] }[]; virtual_transfers: { from_station: string; to_station: string }[]; totals: { unique_stations: number; station_entries: number } }
  | undefined;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('sample network', () => {
  const net = loadNetwork(SAMPLE_NETWORK_DOC, { name: 'sample' });

  it('holds the Batong section, line 6 east, the Changping line, the airport lines and every off-peak station', () => {
    expect(net.lines.map((l) => l.name)).toEqual(['1号线', '14号线', '6号线', '昌平线', '首都机场线', '大兴机场线']);
    expect(net.stations.length).toBe(61); // 63 entries, 大望路 and 金台路 on two lines each
    for (const s of ['土桥', '临河里', '梨园', '九棵树', '果园', '通州北苑', '八里桥', '管庄', '双桥', '传媒大学', '高碑店', '南邵', '沙河高教园', '沙河', '巩华城', '朱辛庄', '北运河西', '通运门', '通州北关', '物资学院路', '常营', '草房', '黄渠', '褡裢坡', '青年路']) {
      expect(net.find(s)?.id).toBe(s);
    }
  });

  it('measures along a line with the official segment lengths', () => {
    expect(net.distanceM('土桥', '国贸')).toBe(21131);
    expect(net.distanceM('国贸', '土桥')).toBe(21131);
    expect(net.distanceM('四惠', '四惠东')).toBe(1714);
    expect(net.distanceM('草房', '潞城')).toBe(2115 + 2557 + 1468 + 1543 + 1600 + 929 + 1347 + 1194);
    expect(net.distanceM('土桥', '土桥')).toBe(0);
  });

  it('routes through in-station transfers and merges legs per line', () => {
    const r = net.route('土桥', '草房');
    expect(r.legs.map((l) => [l.line, l.from, l.to])).toEqual([
      ['1号线', '土桥', '大望路'],
      ['14号线', '大望路', '金台路'],
      ['6号线', '金台路', '草房'],
    ]);
    expect(r.distanceM).toBe(r.legs.reduce((s, l) => s + l.distanceM, 0));
    expect(r.distanceM).toBe(net.distanceM('土桥', '大望路') + 1602 + net.distanceM('金台路', '草房'));
  });

  it('reports disconnected stations and areas without a line', () => {
    expect(() => net.distanceM('土桥', '南邵')).toThrow(NoRouteError);
    expect(() => net.distanceM('土桥', '南邵')).toThrow('no route from "土桥" to "南邵" in network "sample"');
    const area = net.area(['1号线']);
    expect(() => area.distanceBetween(net.station('土桥').index, net.station('草房').index)).toThrow('(草房 is not on 1号线)');
    expect(() => net.area(['99号线'])).toThrow('network "sample" has no line "99号线"');
    expect(net.area(['1号线'])).toBe(net.area(['1号线']));
  });

  it('finds stations by sign name, pinyin and English name; suggests close names', () => {
    expect(net.find('Tuqiao')?.id).toBe('土桥');
    expect(net.find('tuqiao')?.id).toBe('土桥');
    expect(net.find('Universal Resort')?.id).toBe('环球度假区');
    expect(net.find('月球')).toBeUndefined();
    expect(() => net.station('国茂')).toThrow(UnknownStationError);
    expect(() => net.station('国茂')).toThrow('"国茂" is not a station of network "sample"; did you mean "国贸"?');
    expect((() => {
      try {
        net.station('Tuqaio');
      } catch (e) {
        return (e as UnknownStationError).suggestions;
      }
    })()).toContain('土桥');
    expect(() => net.station('草房站')).toThrow('did you mean "草房"');
  });

  it('precomputed and lazy trees agree', () => {
    const lazy = loadNetwork(SAMPLE_NETWORK_DOC).area();
    const pre = loadNetwork(SAMPLE_NETWORK_DOC).area().precompute();
    const n = net.stations.length;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let x: number | string;
        let y: number | string;
        try {
          x = lazy.distanceBetween(a, b);
        } catch {
          x = 'none';
        }
        try {
          y = pre.distanceBetween(a, b);
        } catch {
          y = 'none';
        }
        expect(x).toBe(y);
      }
    }
  });
});

describe('loader validation', () => {
  const base = SAMPLE_NETWORK_DOC;
  const bad = (edit: (d: Record<string, unknown> & { lines: Record<string, unknown>[] }) => void): unknown => {
    const d = clone(base) as unknown as Record<string, unknown> & { lines: Record<string, unknown>[] };
    edit(d);
    return d;
  };
  it.each([
    ['not an object', 'x', '"" expected an object, got "x"'],
    ['no lines', bad((d) => (d.lines = [])), '"lines" expected a non-empty array, got an array'],
    ['line name', bad((d) => (d.lines[0].name = '')), '"lines[0].name" expected a non-empty string, got ""'],
    ['duplicate line', bad((d) => (d.lines[1].name = '1号线')), '"lines[1].name" duplicate line name "1号线"'],
    ['loop flag', bad((d) => (d.lines[0].loop = 'no')), '"lines[0].loop" expected true or false, got "no"'],
    ['station type', bad((d) => ((d.lines[0].stations as unknown[])[3] = 7)), '"lines[0].stations[3]" expected a non-empty string, got 7'],
    ['repeated station', bad((d) => ((d.lines[0].stations as string[])[3] = '国贸')), '"lines[0].stations[3]" station "国贸" appears twice on the line'],
    ['segment count', bad((d) => (d.lines[0].segments_m as number[]).pop()), '"lines[0].segments_m" expected 16 segments for 17 stations, got 15'],
    ['segment value', bad((d) => ((d.lines[2].segments_m as number[])[4] = 12.5)), '"lines[2].segments_m[4]" expected whole metres in [1, 100000], got 12.5'],
    ['zero segment', bad((d) => ((d.lines[2].segments_m as number[])[0] = 0)), '"lines[2].segments_m[0]" expected whole metres in [1, 100000], got 0'],
    ['display length', bad((d) => (d.lines[0].stations_display as string[]).pop()), '"lines[0].stations_display" expected 17 entries (one per station), got 16'],
    ['pinyin entry', bad((d) => ((d.lines[0].stations_pinyin as unknown[])[0] = 1)), '"lines[0].stations_pinyin[0]" expected a non-empty string, got 1'],
    ['display mismatch', bad((d) => ((d.lines[1].stations_display as string[])[0] = '大王路')), '"lines[1].stations_display[0]" "大王路" differs from "大望路" given for "大望路" in lines[0]'],
    ['transfer line', bad((d) => ((d.transfers as { lines: string[] }[])[0].lines[1] = '99号线')), '"transfers[0].lines[1]" no line "99号线"'],
    ['transfer station', bad((d) => ((d.transfers as { station: string }[])[0].station = '国贸')), '"transfers[0].lines[1]" line "14号线" has no station "国贸"'],
    ['virtual from', bad((d) => (d.virtual_transfers = [{ from_station: '国贸', to_station: '草房', lines: [['6号线', '6号线']] }])), '"virtual_transfers[0].lines[0][0]" line "6号线" has no station "国贸"'],
    ['virtual pair', bad((d) => (d.virtual_transfers = [{ from_station: '国贸', to_station: '草房', lines: [['1号线']] }])), '"virtual_transfers[0].lines[0]" expected [from line, to line], got an array'],
    ['virtual same', bad((d) => (d.virtual_transfers = [{ from_station: '国贸', to_station: '国贸', lines: [['1号线', '1号线']] }])), '"virtual_transfers[0].to_station" is the same station as from_station'],
    ['virtual minutes', bad((d) => (d.virtual_transfers = [{ from_station: '国贸', to_station: '草房', lines: [['1号线', '6号线']], minutes: [-1] }])), '"virtual_transfers[0].minutes[0]" expected minutes ≥ 0, got -1'],
  ])('%s', (_name, doc, message) => {
    expect(() => loadNetwork(doc, { name: 't' })).toThrow(NetworkDataError);
    expect(() => loadNetwork(doc, { name: 't' })).toThrow(`network "t": ${message}`);
  });

  it('accepts a loop line and closes it', () => {
    const net = loadNetwork({ lines: [{ name: 'L', loop: true, stations: ['A', 'B', 'C'], segments_m: [100, 200, 50] }] });
    expect(net.distanceM('A', 'C')).toBe(50);
    expect(net.distanceM('B', 'A')).toBe(100);
    expect(net.distanceM('B', 'C')).toBe(150);
  });

  it('links out-of-station transfers at 0 m unless told to ignore them', () => {
    const doc = {
      lines: [
        { name: 'L1', loop: false, stations: ['A', 'X(L1)'], segments_m: [1000] },
        { name: 'L2', loop: false, stations: ['X(L2)', 'B'], segments_m: [500] },
      ],
      virtual_transfers: [{ from_station: 'X(L1)', to_station: 'X(L2)', lines: [['L1', 'L2']] }],
    };
    const linked = loadNetwork(doc);
    expect(linked.distanceM('A', 'B')).toBe(1500);
    expect(linked.route('A', 'B').legs.map((l) => l.line)).toEqual(['L1', null, 'L2']);
    expect(() => loadNetwork(doc, { virtualTransfers: 'ignore' }).distanceM('A', 'B')).toThrow(NoRouteError);
    // The walk only exists where both of its lines do.
    expect(() => linked.area(['L1']).distanceBetween(linked.station('A').index, linked.station('B').index)).toThrow(NoRouteError);
  });

  it('refuses an ambiguous sign name, naming the stations', () => {
    const net = loadNetwork({
      lines: [
        { name: 'L1', stations: ['木樨地(L1)', 'A'], stations_display: ['木樨地', 'A'], segments_m: [1] },
        { name: 'L2', stations: ['木樨地(L2)', 'B'], stations_display: ['木樨地', 'B'], segments_m: [1] },
      ],
    });
    expect(() => net.find('木樨地')).toThrow('"木樨地" names several stations of network "network"; did you mean "木樨地(L1)", "木樨地(L2)"?');
    expect(net.find('木樨地(L2)')?.lines).toEqual(['L2']);
  });

  it('edit distance', () => {
    expect([editDistance('国贸', '国茂'), editDistance('kitten', 'sitting'), editDistance('', 'ab'), editDistance('土桥', '土桥')]).toEqual([1, 3, 2, 0]);
  });
});

// vitest still runs a skipped describe's body to collect it: nothing here may touch `full` eagerly.
describe.runIf(full !== undefined)('full network (../shared/data/beijing-subway.json)', () => {
  const net = full === undefined ? (undefined as never) : loadNetwork(full, { name: 'beijing-subway.json' });

  it('loads every line, station and segment', () => {
    expect(net.lines.length).toBe(full!.lines.length);
    expect(net.stations.length).toBe(full!.totals.unique_stations);
    expect(net.lines.reduce((s, l) => s + l.stations.length, 0)).toBe(full!.totals.station_entries);
  });

  it('knows distances along line 1 and across transfers', () => {
    expect(net.distanceM('土桥', '国贸')).toBe(21131);
    expect(net.route('土桥', '国贸').legs.map((l) => l.line)).toEqual(['1号线']);
    expect(net.distanceM('国贸', '西直门')).toBe(11923);
    expect(net.distanceM('土桥', '西直门')).toBe(33054);
    expect(net.distanceM('积水潭', '西直门')).toBe(1899); // line 2 closes its loop
    expect(net.distanceM('复兴门', '太平桥')).toBe(0); // out-of-station transfer
    expect(net.distanceM('昌平西山口', '潞城')).toBe(78920);
    const r = net.route('昌平西山口', '潞城');
    expect(r.legs.length).toBeGreaterThan(1);
    expect(r.legs.reduce((s, l) => s + l.distanceM, 0)).toBe(78920);
    expect(r.legs[0].line).toBe('昌平线');
    expect(r.legs[r.legs.length - 1].line).toBe('6号线');
  });

  it('resolves same-name stations across lines to one station', () => {
    expect(net.station('国贸').lines).toEqual(['1号线', '10号线']);
    expect(net.station('西直门').lines).toEqual(['2号线', '4号线', '13号线']);
    expect(() => net.station('木樨地')).toThrow('names several stations');
  });

  it('agrees with an independent Floyd–Warshall on every pair', () => {
    const ids = new Map<string, number>();
    const id = (s: string): number => {
      let i = ids.get(s);
      if (i === undefined) ids.set(s, (i = ids.size));
      return i;
    };
    for (const l of full!.lines) l.stations.forEach(id);
    const n = ids.size;
    const d = new Float64Array(n * n).fill(Infinity);
    for (let i = 0; i < n; i++) d[i * n + i] = 0;
    const link = (a: number, b: number, m: number): void => {
      if (m < d[a * n + b]) d[a * n + b] = d[b * n + a] = m;
    };
    for (const l of full!.lines) {
      const k = l.stations.length;
      l.segments_m.forEach((m, i) => link(id(l.stations[i]), id(l.stations[(i + 1) % k]), m));
    }
    for (const v of full!.virtual_transfers) link(id(v.from_station), id(v.to_station), 0);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        const dik = d[i * n + k];
        if (dik === Infinity) continue;
        for (let j = 0; j < n; j++) {
          const via = dik + d[k * n + j];
          if (via < d[i * n + j]) d[i * n + j] = via;
        }
      }
    }
    const area = net.area();
    const names = [...ids.keys()];
    let checked = 0;
    for (const a of names) {
      for (const b of names) {
        expect(area.distanceBetween(net.station(a).index, net.station(b).index)).toBe(d[ids.get(a)! * n + ids.get(b)!]);
        checked++;
      }
    }
    expect(checked).toBe(n * n);
  });

  it('routes are consistent: legs sum to the distance, symmetric, triangle inequality', () => {
    const n = net.stations.length;
    const area = net.area();
    fc.assert(
      fc.property(fc.nat(n - 1), fc.nat(n - 1), fc.nat(n - 1), (a, b, c) => {
        const ab = area.distanceBetween(a, b);
        expect(area.distanceBetween(b, a)).toBe(ab);
        expect(ab).toBeLessThanOrEqual(area.distanceBetween(a, c) + area.distanceBetween(c, b));
        expect(area.route(a, b).legs.reduce((s, l) => s + l.distanceM, 0)).toBe(ab);
      }),
      { numRuns: 500 },
    );
  });
});
