// What shell completion offers, read from the commander program itself (so it never drifts from
// the commands): each command path with its subcommands, its options (and what each option's
// value is: a file, a fixed choice, or names from local state) and what its arguments are.
import type { Command, Option } from 'commander';

/** Names completion can list from local state (`aibench completion --list KIND`), or files. */
type ValueKind = 'services' | 'clusters' | 'profiles' | 'suites' | 'files';
export const LIST_KINDS = ['services', 'clusters', 'profiles', 'suites'] as const;

export interface CompletionOption {
  /** Every spelling: `-f`, `--follow`. */
  flags: string[];
  takesValue: boolean;
  /** Fixed choices, or a kind of name to list. */
  values?: string[] | ValueKind;
  description: string;
}

export interface CompletionNode {
  /** Command words after `aibench` ('' for the top level): `bench run`. */
  path: string;
  description: string;
  subcommands: string[];
  options: CompletionOption[];
  /** What the positional arguments are, if completion can offer them. */
  args?: ValueKind;
}

const OPTION_VALUES: Record<string, ValueKind> = { '--cluster': 'clusters', '--profile': 'profiles' };
const ARG_VALUES: Record<string, ValueKind> = {
  'service wait': 'services', 'service status': 'services', 'service stop': 'services', 'service logs': 'services', 'service models': 'services',
  'suite run': 'suites', report: 'files', history: 'files', 'bench compare': 'files', 'bench exec': 'files',
};

function optionValues(option: Option): CompletionOption['values'] {
  if (option.argChoices) return [...option.argChoices];
  const kind = option.long ? OPTION_VALUES[option.long] : undefined;
  if (kind) return kind;
  return /file|dir|path/i.test(option.flags.replace(/^[^<[]*/, '')) ? 'files' : undefined;
}

function describeOption(option: Option): CompletionOption {
  const values = optionValues(option);
  return {
    flags: [option.short, option.long].filter((f): f is string => f !== undefined),
    takesValue: option.required || option.optional,
    ...(values !== undefined ? { values } : {}),
    description: option.description,
  };
}

/** Every command path of the program, depth first, the top level first. */
export function completionTree(program: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const visit = (cmd: Command, path: string[]): void => {
    const key = path.join(' ');
    const visible = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    const options = cmd.options.filter((o) => !o.hidden).map(describeOption);
    options.push({ flags: ['-h', '--help'], takesValue: false, description: 'display help for command' });
    nodes.push({
      path: key, description: cmd.description(), subcommands: visible.map((c) => c.name()), options,
      ...(ARG_VALUES[key] !== undefined ? { args: ARG_VALUES[key] } : {}),
    });
    for (const sub of visible) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return nodes;
}
