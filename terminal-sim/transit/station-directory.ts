/**
 * The gate's numeric (line, station) codes ↔ the fare engine's station names — ssc3 profile [P]:
 * no public table of the codes Beijing's gates write into the 1A and 1E records exists, so this
 * project numbers a {@link SubwayNetwork} deterministically:
 *
 *   line code    = 1-based index of the line in the network (its order in the data)
 *   station code = 1-based position of the station on that line
 *
 * In the shipped sample network 1号线 is line 1 with 国贸 = 1 … 土桥 = 15; a station served by
 * several lines (大望路) has one code per line, and every code names the same station. The codes
 * of a network change when its data inserts a line or a station before another: the directory is
 * a property of one network file, and a fleet of gates must share it.
 */
import type { SubwayNetwork } from '../../engine/rules/index.js';

/** A gate's station code (1A/1E line 2 bytes + station 2 bytes). */
export interface StationCode {
  line: number;
  station: number;
}

/** What a code names: the station's id in the network data and the line whose gates it is. */
export interface StationName {
  /** The network's unique station id (the fare request's `station`). */
  station: string;
  /** The network's line name (the fare request's `line`). */
  line: string;
}

/** A code the directory does not know: card data or gate configuration, not a caller bug. */
export class UnknownStationCodeError extends Error {
  override name = 'UnknownStationCodeError';
  constructor(
    readonly code: StationCode,
    directory: string,
  ) {
    super(`station code line ${code.line} station ${code.station} is not in the directory of network "${directory}"`);
  }
}

/** The code table of one network. */
export class StationDirectory {
  readonly network: string;
  /** byLine[line - 1][station - 1]. */
  private readonly byLine: readonly (readonly StationName[])[];
  private readonly codesByStation = new Map<string, StationCode[]>();

  private constructor(network: string, byLine: StationName[][]) {
    this.network = network;
    this.byLine = byLine;
    byLine.forEach((stations, li) =>
      stations.forEach((s, si) => {
        const list = this.codesByStation.get(s.station) ?? [];
        list.push({ line: li + 1, station: si + 1 });
        this.codesByStation.set(s.station, list);
      }),
    );
  }

  /** Numbers the lines and stations of `network` (see the module comment). */
  static fromNetwork(network: SubwayNetwork): StationDirectory {
    return new StationDirectory(
      network.name,
      network.lines.map((l) => l.stations.map((i) => ({ station: network.stations[i].id, line: l.name }))),
    );
  }

  /** The station a code names, or undefined. */
  lookup(line: number, station: number): StationName | undefined {
    return this.byLine[line - 1]?.[station - 1];
  }

  /**
   * The station a code names.
   * @throws UnknownStationCodeError.
   */
  name(code: StationCode): StationName {
    const n = this.lookup(code.line, code.station);
    if (!n) throw new UnknownStationCodeError(code, this.network);
    return n;
  }

  /**
   * The code of `station` (its network id) on `line` (a line name), or on the first line
   * serving it when no line is given.
   * @throws RangeError naming the station or the line when the directory has no such code.
   */
  code(station: string, line?: string): StationCode {
    const codes = this.codesByStation.get(station);
    if (!codes) throw new RangeError(`"station" ${JSON.stringify(station)} is not in the directory of network "${this.network}"`);
    if (line === undefined) return { ...codes[0] };
    const c = codes.find((k) => this.byLine[k.line - 1][0].line === line);
    if (!c) throw new RangeError(`"line" ${JSON.stringify(line)} does not serve ${JSON.stringify(station)} in network "${this.network}"`);
    return { ...c };
  }

  /** Every code, line by line (for tables and docs). */
  entries(): { code: StationCode; name: StationName }[] {
    return this.byLine.flatMap((stations, li) => stations.map((name, si) => ({ code: { line: li + 1, station: si + 1 }, name })));
  }
}
