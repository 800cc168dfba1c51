// Which directives of a flattened ssh_config apply to a host, as OpenSSH decides: `Host` patterns
// match the name as typed (`*`, `?`, `!negation`, any case), `Match host` the HostName set so far,
// and for each keyword the first value obtained wins (IdentityFile and CertificateFile add up).
// `Match exec` is never run, nor are canonical/final/localnetwork/tagged evaluated: such a block
// is skipped and said so in the notes, as is every applied directive aibench does not act on.
import type { Condition, SshConfigRead } from './ssh-config-file.js';

/** Keywords aibench acts on; anything else that applies to a host is reported, not silently dropped. */
const APPLIED_KEYWORDS = new Set(['hostname', 'user', 'port', 'identityfile', 'proxyjump', 'userknownhostsfile']);
const CUMULATIVE = new Set(['identityfile', 'certificatefile', 'localforward', 'remoteforward', 'dynamicforward', 'sendenv', 'setenv']);

/** One ssh_config pattern (`*` any run, `?` one character), case-insensitive like host names. */
function sshPatternMatch(pattern: string, name: string): boolean {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i').test(name);
}

/** A pattern list: some positive pattern matches and no `!pattern` does. */
export function sshPatternListMatch(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (sshPatternMatch(p.slice(1), name)) return false;
    } else if (sshPatternMatch(p, name)) matched = true;
  }
  return matched;
}

interface ComputedHost {
  /** Lower-case keyword -> values (first line wins; cumulative keywords gather every line). */
  options: Record<string, string[]>;
  notes: string[];
}

const SUPPORTED_CRITERIA = new Set(['all', 'host', 'originalhost', 'user', 'localuser']);

interface State {
  host: string;
  hostname: string;
  user: string | undefined;
  localUser: string;
  notes: Set<string>;
}

function criterionHolds(key: string, args: string[], s: State, text: string): boolean {
  const list = args.flatMap((a) => a.split(',')).filter(Boolean);
  switch (key) {
    case 'all': return true;
    case 'host': return sshPatternListMatch(list, s.hostname);
    case 'originalhost': return sshPatternListMatch(list, s.host);
    case 'user': return sshPatternListMatch(list, s.user ?? s.localUser);
    case 'localuser': return sshPatternListMatch(list, s.localUser);
    default:
      s.notes.add(`Match ${text}: "${key}" is not evaluated by aibench (${key === 'exec' ? 'it never runs commands from ssh_config' : 'unsupported'}); the block was skipped`);
      return false;
  }
}

function holds(c: Condition, s: State): boolean {
  if (c.kind === 'host') return sshPatternListMatch(c.patterns, s.host);
  return Object.entries(c.criteria).every(([raw, args]) => {
    const key = raw.replace(/^!/, '').toLowerCase();
    // An unsupported criterion skips the block whether or not it is negated (criterionHolds notes it).
    if (!SUPPORTED_CRITERIA.has(key)) return criterionHolds(key, args, s, c.text);
    return raw.startsWith('!') !== criterionHolds(key, args, s, c.text);
  });
}

/** The options that apply to `host` (as typed), and notes on what was skipped or not acted on. */
export function computeSshHost(config: SshConfigRead, host: string, localUser: string): ComputedHost {
  const s: State = { host, hostname: host, user: undefined, localUser, notes: new Set(config.notes) };
  const options: Record<string, string[]> = {};
  const ignored = new Set<string>();
  for (const d of config.directives) {
    if (!d.when.every((c) => holds(c, s))) continue;
    if (CUMULATIVE.has(d.key)) options[d.key] = [...(options[d.key] ?? []), ...d.values];
    else if (options[d.key] === undefined) {
      options[d.key] = d.values;
      if (d.key === 'hostname') s.hostname = d.values[0] ?? host;
      if (d.key === 'user') s.user = d.values[0];
    }
    if (!APPLIED_KEYWORDS.has(d.key)) ignored.add(d.keyword);
  }
  if (ignored.size > 0) s.notes.add(`not applied by aibench for ${host}: ${[...ignored].join(', ')}`);
  return { options, notes: [...s.notes] };
}
