/**
 * JSON-in, JSON-out plumbing shared by the rule commands (`ssc3 fare …`, `ssc3 benefit …`): the
 * request from `--json` or standard input, a JSON file named by an option, one line of JSON out,
 * and a strict `--date` option.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, type CliContext } from './io.js';

export interface JsonOpts {
  json?: string;
}

/** The request: the `--json` value, or all of standard input. */
export async function readRequest(ctx: CliContext, o: JsonOpts): Promise<unknown> {
  let text: string;
  let source: string;
  if (o.json !== undefined) {
    text = o.json;
    source = '--json';
  } else {
    source = 'stdin';
    const bytes = await ctx.io.readStdin();
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new CliError('stdin: expected UTF-8 text');
    }
    if (text.trim() === '') throw new CliError(`stdin: expected a JSON request (give --json '{…}' or pipe one in)`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`${source}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

export function print(ctx: CliContext, value: unknown): void {
  ctx.io.stdout(JSON.stringify(value) + '\n');
}

/**
 * The JSON of the file an option names (`--network`, `--calendar`).
 * @throws CliError `--<option>: cannot read "<path>" as JSON (<errno code or parse error>)`
 */
export function readJsonFile(option: string, path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`--${option}: cannot read ${JSON.stringify(path)} as JSON (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function dateOption(v: string): string {
  const ok = DATE_RE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;
  if (!ok) throw new CliError(`--date: expected a date YYYY-MM-DD, got ${JSON.stringify(v.slice(0, 40))}`);
  return v;
}

export function jsonOption(cmd: Command, what: string): Command {
  return cmd.option('--json <request>', `the ${what} as JSON (default: read standard input)`);
}
