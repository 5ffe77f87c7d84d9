// Runs `ssc3` in-process with captured output: what the CLI tests need from terminal-sim/cli/main.ts.
import { run, type CliIo } from '../../terminal-sim/cli/main.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** `ssc3 <argv>` with `stdin` (text is UTF-8 encoded) as standard input. */
export async function runCli(argv: string[], stdin: string | Uint8Array = ''): Promise<CliResult> {
  let out = '';
  let err = '';
  const input = typeof stdin === 'string' ? new TextEncoder().encode(stdin) : stdin;
  const io: CliIo = { stdout: (s) => void (out += s), stderr: (s) => void (err += s), readStdin: async () => input };
  const code = await run(argv, io);
  return { code, out, err };
}
