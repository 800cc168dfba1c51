// Where output goes: data on stdout, people on stderr. One place decides whether a spinner or
// colour is allowed (TTY, not --json, not --quiet, NO_COLOR / FORCE_COLOR=0 respected: neither then).
import { escapeControl } from './escape.js';

interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
}

export interface Output {
  readonly json: boolean;
  readonly quiet: boolean;
  /** True when an interactive spinner may be drawn on stderr. */
  readonly interactive: boolean;
  readonly color: boolean;
  /** Data for scripts: stdout. */
  data(text: string): void;
  /** One JSON document on stdout. */
  dataJson(value: unknown): void;
  /** A line for people: stderr, suppressed by --quiet (and by --json for chatter). */
  info(line: string): void;
  /** A warning: stderr, shown even with --json (never on stdout), hidden only by --quiet. */
  warn(line: string): void;
  /** An error line: always stderr. */
  error(line: string): void;
}

/** Colour is on only for a TTY and when neither NO_COLOR nor FORCE_COLOR=0 is set. */
function colorAllowed(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0') return false;
  return Boolean(stream.isTTY);
}

let quietByDefault = false;

/** `--quiet` as the running command was given it (main sets it before the action; see addQuietEverywhere). */
export function setQuietDefault(quiet: boolean): void {
  quietByDefault = quiet;
}

/** Build the process output for a command's options (`quiet` defaults to the command's own --quiet). */
export function createOutput(options: OutputOptions = {}, env: NodeJS.ProcessEnv = process.env): Output {
  const json = Boolean(options.json);
  const quiet = Boolean(options.quiet ?? quietByDefault);
  const color = colorAllowed(process.stderr, env);
  // A spinner redraws with cursor escapes: none without colour (NO_COLOR, FORCE_COLOR=0, not a TTY),
  // nor on a terminal that reports 0 columns (`script` without a size), where ora clears lines forever.
  const sized = (process.stderr.columns ?? 0) > 0;
  const interactive = color && sized && !json && !quiet && env.CI !== 'true' && env.TERM !== 'dumb';
  return {
    json,
    quiet,
    interactive,
    color,
    data: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    dataJson: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    // Lines for people echo names, Slurm reasons and server text: escaped, so they cannot drive the terminal.
    info: (line) => {
      if (!quiet && !json) process.stderr.write(`${escapeControl(line, { keepLines: true })}\n`);
    },
    warn: (line) => {
      if (!quiet) process.stderr.write(`warning: ${escapeControl(line, { keepLines: true })}\n`);
    },
    error: (line) => process.stderr.write(`${escapeControl(line, { keepLines: true })}\n`),
  };
}
