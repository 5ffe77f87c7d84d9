// Tests for tariff documents: the shipped set compiles and is chosen by date; every band edge of
// the network fare; the shipped numbers cross-checked against the network file's own fare rules
// (../shared/data/beijing-subway.json "fare_rules_from_source"); and validation errors naming
// the document and the path of the bad field.
import { describe, expect, it } from 'vitest';
import { BJ_BUS_2014_12_28, BJ_OFF_PEAK_2015_12_26, BJ_OFF_PEAK_2017_01_01, BJ_SUBWAY_2014_12_28, SHIPPED_TARIFF_DOCS } from '../../engine/rules/data/index.js';
import { FareRequestError, TariffDataError } from '../../engine/rules/errors.js';
import { listTariffs, shippedTariffs } from '../../engine/rules/fare-context.js';
import { compileTariff, compileTariffs, type CompiledSubway, roundDistanceM, tableFareFen } from '../../engine/rules/tariff-compile.js';
import { readShared } from './shared-data.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const network = (compileTariff(BJ_SUBWAY_2014_12_28) as CompiledSubway).groups[0].table;
const fareAt = (m: number): number => tableFareFen(network, roundDistanceM(network, m));

describe('shipped tariffs', () => {
  it('compile and are chosen by date', () => {
    const ids = (d: string): string[] => listTariffs(d).map((t) => t.id);
    expect(ids('2006-12-31')).toEqual([]);
    expect(ids('2013-06-01')).toEqual(['bj-subway-2007-10-07']);
    expect(ids('2014-12-27')).toEqual(['bj-subway-2007-10-07']);
    expect(ids('2014-12-28')).toEqual(['bj-subway-2014-12-28', 'bj-bus-2014-12-28']);
    expect(ids('2015-12-25')).toEqual(['bj-subway-2014-12-28', 'bj-bus-2014-12-28']);
    expect(ids('2015-12-26')).toEqual(['bj-subway-2014-12-28', 'bj-off-peak-2015-12-26', 'bj-bus-2014-12-28']);
    expect(ids('2016-12-31')).toEqual(['bj-subway-2014-12-28', 'bj-off-peak-2015-12-26', 'bj-bus-2014-12-28']);
    expect(ids('2017-01-01')).toEqual(['bj-subway-2014-12-28', 'bj-off-peak-2017-01-01', 'bj-bus-2014-12-28']);
    expect(ids('2030-01-01')).toEqual(['bj-subway-2014-12-28', 'bj-off-peak-2017-01-01', 'bj-bus-2014-12-28']);
    expect(() => listTariffs('2024-2-1')).toThrow(FareRequestError);
    expect(() => listTariffs('2024-2-1')).toThrow('"date" is not a date YYYY-MM-DD: "2024-2-1"');
  });

  it('carry a confidence mark and a note on their rules', () => {
    for (const doc of SHIPPED_TARIFF_DOCS) {
      expect(Object.keys(doc.marks).length).toBeGreaterThan(0);
      for (const m of Object.values(doc.marks)) expect(['V', 'S', 'U', 'P']).toContain(m.mark);
    }
    expect(BJ_SUBWAY_2014_12_28.marks.network.mark).toBe('V');
    expect(BJ_OFF_PEAK_2015_12_26.marks.stations.mark).toBe('S');
    expect(BJ_OFF_PEAK_2017_01_01.marks.effective.mark).toBe('U');
  });

  it('the 2015 scheme is the 11 Batong + 5 Changping stations of the current 25', () => {
    expect(BJ_OFF_PEAK_2015_12_26.stations).toHaveLength(16);
    expect(BJ_OFF_PEAK_2017_01_01.stations).toHaveLength(25);
    expect(BJ_OFF_PEAK_2017_01_01.stations.slice(0, 16)).toEqual(BJ_OFF_PEAK_2015_12_26.stations);
  });

  // [metres, fen]: each edge of DOMAIN.md §5's bands, with the 100 m allowance of the source.
  const EDGES: [number, number][] = [
    [0, 300], [6000, 300], [6099, 300], [6100, 400], [12000, 400], [12099, 400], [12100, 500],
    [22099, 500], [22100, 600], [32099, 600], [32100, 700], [52099, 700], [52100, 800],
    [72099, 800], [72100, 900], [92099, 900], [92100, 1000], [112099, 1000], [112100, 1100], [250000, 1700],
  ];
  it.each(EDGES)('network fare for %d m is %d fen', (m, fen) => {
    expect(fareAt(m)).toBe(fen);
  });

  it('bus: ≤ 10 km 2 yuan, +1 per further 5 km or part, to the metre', () => {
    const t = shippedTariffs().busAt(20240305)!.table;
    const f = (m: number): number => tableFareFen(t, roundDistanceM(t, m));
    expect([f(0), f(10000), f(10001), f(15000), f(15001), f(20000), f(20001), f(40000)]).toEqual([200, 200, 300, 300, 400, 400, 500, 800]);
  });
});

const shared = readShared('beijing-subway.json') as { fare_rules_from_source: { rule_groups: { name: string; basis?: string; lines?: string[]; rules?: { fare: number; start?: number; end?: number }[]; derive_from?: { portion: number }; starting_stations?: string[]; apply_time?: { end: string }[] }[] } } | undefined;

describe.runIf(shared !== undefined)('against the network file\'s fare rules', () => {
  // vitest still runs a skipped describe's body to collect it: nothing here may read an absent file.
  const groups = shared?.fare_rules_from_source.rule_groups ?? [];
  const sub = compileTariff(BJ_SUBWAY_2014_12_28) as CompiledSubway;
  const tableOf = (name: string) => {
    const g = groups.find((x) => x.name === name)!;
    const ours = g.lines === undefined ? sub.groups[0] : sub.specialByLine.get(g.lines[0])!;
    return { g, t: ours.table };
  };

  it.each(['大路网', '有轨电车', '大兴机场线', '首都机场线'])('%s: same fare at every rule edge', (name) => {
    const { g, t } = tableOf(name);
    for (const r of g.rules!) {
      // The source's last band is open ("the highest fare on the network today is 10 yuan"):
      // DOMAIN.md has no cap, so only its start is compared.
      const probes = g.basis === 'single' ? [0, 30000] : [r.start ?? 0, ...(r.end === undefined ? [] : [r.end, r.end + 1])];
      for (const m of probes) {
        const want = g.rules!.find((x) => g.basis === 'single' || ((x.start ?? 0) <= m && (x.end === undefined || m <= x.end)))!.fare;
        expect(tableFareFen(t, roundDistanceM(t, m)), `${name} at ${m} m`).toBe(want * 100);
      }
    }
  });

  it('off-peak: the same 25 stations, the same portion and time', () => {
    const g = groups.find((x) => x.name === '大路网 - 低峰优惠')!;
    expect([...g.starting_stations!].sort()).toEqual([...BJ_OFF_PEAK_2017_01_01.stations].sort());
    expect(g.derive_from!.portion * 1000).toBe(BJ_OFF_PEAK_2017_01_01.rateMille);
    expect(g.apply_time![0].end).toBe(BJ_OFF_PEAK_2017_01_01.entryUntil);
  });
});

describe('validation', () => {
  type Doc = Record<string, unknown>;
  const edit = (base: object, f: (d: Doc) => void): Doc => {
    const d = clone(base) as Doc;
    f(d);
    return d;
  };
  const sub = BJ_SUBWAY_2014_12_28;
  const net = (d: Doc) => d.network as { bands: Doc[]; distance: Doc; beyond?: unknown };
  it.each([
    ['kind', edit(sub, (d) => (d.kind = 'tram')), `"kind" expected one of 'subway', 'subway-off-peak', 'bus', got "tram"`],
    ['id', edit(sub, (d) => delete d.id), '"id" expected a non-empty string, got nothing'],
    ['from', edit(sub, (d) => ((d.effective as Doc).from = '2014-13-01')), '"effective.from" expected a date YYYY-MM-DD, got "2014-13-01"'],
    ['to before from', edit(sub, (d) => ((d.effective as Doc).to = '2014-01-01')), '"effective.to" is before effective.from'],
    ['mark', edit(sub, (d) => ((d.marks as Record<string, Doc>).network.mark = 'X')), `"marks.network.mark" expected one of 'V', 'S', 'U', 'P', got "X"`],
    ['rounding', edit(sub, (d) => (d.rounding = 'bankers')), `"rounding" expected one of 'half-up', 'half-even', 'down', 'up', got "bankers"`],
    ['band order', edit(sub, (d) => (net(d).bands[2].upToM = 12000)), '"network.bands[2].upToM" must exceed the band before (12000)'],
    ['band fare', edit(sub, (d) => (net(d).bands[1].fareFen = 250)), '"network.bands[1].fareFen" must not be lower than the band before (300)'],
    ['band float', edit(sub, (d) => (net(d).bands[0].fareFen = 2.5)), '"network.bands[0].fareFen" expected an integer in [0, 10000000], got 2.5'],
    ['unit', edit(sub, (d) => (net(d).distance.unitM = 0)), '"network.distance.unitM" expected an integer in [1, 100000], got 0'],
    ['beyond missing', edit(sub, (d) => delete net(d).beyond), '"network.beyond" required when every band has a limit'],
    ['open band not last', edit(sub, (d) => (net(d).bands[0].upToM = null)), '"network.bands[0].upToM" null (no limit) is only allowed on the last band'],
    ['special id', edit(sub, (d) => ((d.specialLines as Doc[])[1].id = 'capital-airport')), '"specialLines[1].id" duplicate or reserved id "capital-airport"'],
    ['special line twice', edit(sub, (d) => ((d.specialLines as Doc[])[1].lines = ['首都机场线'])), '"specialLines[1].lines" line "首都机场线" is already in "capital-airport"'],
    ['special in paid area', edit(sub, (d) => ((d.specialLines as Doc[])[0].separatePaidArea = false)), '"specialLines[0].separatePaidArea" only lines with their own paid area are supported'],
    ['overtime', edit(sub, (d) => (((d.timeLimit as Doc).overtime as Doc).rule = 'fine')), `"timeLimit.overtime.rule" expected one of 'none', 'add-start-fare', 'add-fixed', got "fine"`],
    ['fixed amount', edit(sub, (d) => ((d.timeLimit as Doc).overtime = { rule: 'add-fixed' })), '"timeLimit.overtime.amountFen" expected an integer in [0, 10000000], got nothing'],
    ['tiers', edit(sub, (d) => ((d.monthlyTiers as Doc[])[1].fromFen = 10000)), '"monthlyTiers[1].fromFen" must exceed the tier before'],
    ['tier rate', edit(sub, (d) => ((d.monthlyTiers as Doc[])[0].rateMille = 1200)), '"monthlyTiers[0].rateMille" expected an integer in [0, 1000], got 1200'],
    ['card type', edit(sub, (d) => delete (d.cardTypes as Doc).student), '"cardTypes.student" expected an object, got nothing'],
    ['off-peak time', edit(BJ_OFF_PEAK_2017_01_01, (d) => (d.entryUntil = '7:00')), '"entryUntil" expected a time hh:mm, got "7:00"'],
    ['off-peak station', edit(BJ_OFF_PEAK_2017_01_01, (d) => (d.stations as string[]).push('土桥')), '"stations[25]" duplicate station "土桥"'],
    ['bus flat', edit(BJ_BUS_2014_12_28, (d) => (d.fare = { basis: 'flat', fareFen: 100 })), `"fare.basis" expected 'distance' for a bus tariff`],
    ['bus split', edit(BJ_BUS_2014_12_28, (d) => (d.outsideCitySplit = 'half')), `"outsideCitySplit" expected one of 'outside-first', 'pro-rata', got "half"`],
  ])('%s', (_name, doc, message) => {
    expect(() => compileTariff(doc)).toThrow(TariffDataError);
    expect(() => compileTariff(doc)).toThrow(message);
  });

  it('names the document', () => {
    expect(() => compileTariff(edit(sub, (d) => (d.rounding = 'x')))).toThrow(/^tariff "bj-subway-2014-12-28": "rounding"/);
  });

  it('refuses duplicate ids and overlapping documents of one kind', () => {
    expect(() => compileTariffs([sub, sub])).toThrow('tariff "bj-subway-2014-12-28": "id" is used by two documents');
    const next = edit(sub, (d) => {
      d.id = 'bj-subway-2030';
      d.effective = { from: '2030-01-01', to: null };
    });
    expect(() => compileTariffs([sub, next])).toThrow('tariff "bj-subway-2030": "effective" overlaps "bj-subway-2014-12-28"');
    const closed = edit(sub, (d) => ((d.effective as Doc).to = '2029-12-31'));
    const set = compileTariffs([closed, next]);
    expect(set.subwayAt(20291231)?.id).toBe('bj-subway-2014-12-28');
    expect(set.subwayAt(20300101)?.id).toBe('bj-subway-2030');
  });
});
