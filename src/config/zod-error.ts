// Turn zod issues into one readable line each: `clusters.hpc.ssh.port: expected ..., got 70000`.
import type { z } from 'zod';

/**
 * Parse options for a value a process parses once (a config, a spec, a state file): without zod's
 * eval-compiled fast path, which costs more to generate and compile (a few ms per schema, paid
 * before a benchmark's first request) than it saves on a single value. Same result either way.
 */
export const PARSE_ONCE = { jitless: true } as const;

/** Render a path like clusters.hpc.ssh.port or setup[2]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? 'a list' : 'an object';
  }
  if (json === undefined) return String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** One line per issue, each naming the path, what was expected and the bad value. */
export function formatZodIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.map((issue) => {
    const path = formatPath([...prefix, ...issue.path]);
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    if (issue.code === 'invalid_union' && 'discriminator' in issue && 'options' in issue) {
      // zod reports the whole object as input; show the discriminator's own value and the valid kinds.
      const options = (issue.options as unknown[]).map((o) => JSON.stringify(o)).join(', ');
      const value = (issue.input as Record<string, unknown> | undefined)?.[String(issue.discriminator)];
      return `${path}: expected one of ${options}, got ${describeValue(value)}`;
    }
    const message = issue.message.replace(/^Invalid input: /, '');
    const got = 'input' in issue && !message.includes(', got ') ? `, got ${describeValue(issue.input)}` : '';
    return `${path}: ${message}${got}`;
  });
}
