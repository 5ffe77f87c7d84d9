#!/usr/bin/env node
/**
 * The `ssc3` command line. `run(argv, io)` parses and runs one command and resolves to its exit
 * code; it never calls process.exit and writes only through `io`, so tests run it in-process.
 * Executed as a program (the package's `bin`), it runs on the real process and sets
 * process.exitCode.
 *
 * Each top-level command group lives in its own file and exports a {@link RegisterCommand};
 * adding a group (demo, serve, fare, …) is one import and one entry in COMMAND_GROUPS.
 *
 * Every failure is exactly one line on stderr, `ssc3: <what>`, never a stack trace:
 * exit 2 for usage errors (commander's, CliError's, and the crypto modules' RangeError /
 * TypeError, which name the argument), exit 1 for failed checks and refused decryptions.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerCryptoCommand } from './crypto-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerBenefitCommand } from './benefit-command.js';
import { registerFareCommand } from './fare-command.js';
import { registerServeCommand } from './serve-command.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, processIo, type CliContext, type CliIo, type RegisterCommand } from './io.js';
import { packageVersion } from './package-root.js';

export { CliError, type CliIo } from './io.js';

const COMMAND_GROUPS: readonly RegisterCommand[] = [registerCryptoCommand, registerDemoCommand, registerFareCommand, registerBenefitCommand, registerServeCommand];

/** One `ssc3: …` line from a message that may span lines or carry commander's "error: " prefix. */
function errorLine(message: string): string {
  const text = message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim();
  return `ssc3: ${text}\n`;
}

/** A new program writing through `ctx.io`. A fresh one per run: commander keeps parsed state. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('ssc3')
    .description("Simulator of China's third-generation social security card: tools")
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
      outputError: (s, write) => write(errorLine(s)),
    });
  // Subcommands made with .command() inherit exitOverride and configureOutput from here.
  for (const register of COMMAND_GROUPS) register(program, ctx);
  return program;
}

/**
 * Runs `ssc3` with `argv` (the arguments after the program name).
 * @returns the exit code: 0 success, 1 a negative result (invalid signature, refused
 *   decryption, failed vectors), 2 a usage error.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const ctx: CliContext = { io, exitCode: EXIT_OK };
  try {
    await buildProgram(ctx).parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    return report(e, io);
  }
}

function report(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) {
    // Help and version exit 0. Anything else commander has already written: its error, through
    // outputError, as one line; or, for a group run without a subcommand, the group's help.
    return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (e instanceof CliError) {
    io.stderr(errorLine(e.message));
    return e.exitCode;
  }
  // The crypto modules' argument errors name the argument and never print its value.
  if (e instanceof RangeError || e instanceof TypeError) {
    io.stderr(errorLine(e.message));
    return EXIT_USAGE;
  }
  io.stderr(errorLine(e instanceof Error ? e.message : String(e)));
  return EXIT_FAILURE;
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    // realpath both: npm installs the bin as a symlink to this file.
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  // A reader that stops early (`ssc3 demo transit --trace | head`) is not an error of ours.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  process.exitCode = await run(process.argv.slice(2), processIo);
}
