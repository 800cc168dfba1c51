// ~/.ssh/config as OpenSSH reads it: parsed by the ssh-config package, then flattened into one list
// of directives in file order, each with the Host/Match conditions it sits under. `Include` is
// followed where it stands (globs in lexical order, relative paths from ~/.ssh, nested up to 16
// deep as OpenSSH allows); an Include inside a Host or Match block applies only when that block
// does, and a Host line inside the included file starts its own block there.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { ConfigError } from '../errors.js';

type Value = string | Array<{ val: string }>;

/** A Host pattern list, or a Match line's criteria (keys as written: `host`, `!user`, `exec`, ...). */
export type Condition = { kind: 'host'; patterns: string[] } | { kind: 'match'; criteria: Record<string, string[]>; text: string };

interface SshDirective {
  /** Lower-case keyword: `hostname`, `identityfile`. */
  key: string;
  /** As written (for messages): `IdentityFile`. */
  keyword: string;
  values: string[];
  /** Every enclosing condition must hold for the directive to apply. */
  when: Condition[];
  file: string;
}

/** What the flattening could not follow (an unreadable Include), for `doctor` to show. */
export interface SshConfigRead {
  directives: SshDirective[];
  notes: string[];
}

interface SshFs {
  readFile(path: string): string;
  readDir(path: string): string[];
}

const NODE_FS: SshFs = { readFile: (p) => readFileSync(p, 'utf8'), readDir: (p) => readdirSync(p) };
const MAX_DEPTH = 16;

const values = (v: Value): string[] => (typeof v === 'string' ? [v] : v.map((x) => x.val));

/** A glob(7) segment (`*`, `?`, `[a-z]`) as a regular expression; other characters literal. */
function segmentRegex(segment: string): RegExp {
  const body = segment.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\[!/g, '[^');
  return new RegExp(`^${body}$`);
}

/** The files a path with glob segments names, in lexical order (no match: none, as OpenSSH). */
function expandGlob(pattern: string, fs: SshFs): string[] {
  let paths = [pattern.startsWith('/') ? '/' : '.'];
  for (const segment of pattern.split('/').filter(Boolean)) {
    if (!/[*?[]/.test(segment)) {
      paths = paths.map((p) => join(p, segment));
      continue;
    }
    const re = segmentRegex(segment);
    paths = paths.flatMap((dir) => {
      try {
        return fs.readDir(dir).filter((name) => re.test(name) && !(name.startsWith('.') && !segment.startsWith('.'))).sort().map((name) => join(dir, name));
      } catch {
        return [];
      }
    });
  }
  return paths;
}

/** A Match line's criteria as keyword -> arguments (`Match host a,b exec "x"`: host: [a,b], exec: [x]). */
function matchCriteria(line: object): Record<string, string[]> {
  const criteria = 'criteria' in line ? (line.criteria as Record<string, Value | []>) : {};
  return Object.fromEntries(Object.entries(criteria).map(([k, v]) => [k, values(v as Value)]));
}

/** Flatten config text (read from `file`) and every file it includes. */
export function readSshConfigText(text: string, file: string, home: string, fs: SshFs = NODE_FS): SshConfigRead {
  const out: SshConfigRead = { directives: [], notes: [] };
  const walk = (body: string, from: string, outer: Condition[], depth: number): void => {
    if (depth > MAX_DEPTH) throw new ConfigError(`${from}: Include nested more than ${MAX_DEPTH} deep (a loop?)`);
    for (const line of SSHConfig.parse(body)) {
      if (line.type !== SSHConfig.DIRECTIVE) continue;
      if ('config' in line && /^(host|match)$/i.test(line.param)) {
        const cond: Condition = /^host$/i.test(line.param)
          ? { kind: 'host', patterns: values(line.value as Value) }
          : { kind: 'match', criteria: matchCriteria(line), text: values(line.value as Value).join(' ') };
        for (const inner of line.config) {
          if (inner.type === SSHConfig.DIRECTIVE) visit(inner.param, inner.value as Value, [...outer, cond], from, depth);
        }
      } else visit(line.param, line.value as Value, outer, from, depth);
    }
  };
  const visit = (keyword: string, value: Value, when: Condition[], from: string, depth: number): void => {
    if (!/^include$/i.test(keyword)) {
      out.directives.push({ key: keyword.toLowerCase(), keyword, values: values(value), when, file: from });
      return;
    }
    for (const raw of values(value).flatMap((v) => v.split(/\s+/)).filter(Boolean)) {
      const path = raw.startsWith('~/') ? join(home, raw.slice(2)) : raw.startsWith('/') ? raw : join(home, '.ssh', raw);
      for (const included of expandGlob(path, fs)) {
        let body: string;
        try {
          body = fs.readFile(included);
        } catch (error) {
          out.notes.push(`Include ${included} (from ${from}) could not be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
          continue;
        }
        walk(body, included, when, depth + 1);
      }
    }
  };
  walk(text, file, [], 0);
  return out;
}
