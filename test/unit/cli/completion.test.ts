// Completion scripts come from the commander program itself: every command path, its options and
// what their values are. bash runs the generated script here (real bash, the case tables, the walk
// over typed words), so a quoting or syntax slip fails; zsh and fish are checked for their shape.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { completionScript } from '../../../src/cli/completion-scripts.js';
import { completionTree, type CompletionNode } from '../../../src/cli/completion-tree.js';
import { buildProgram } from '../../../src/cli/main.js';

let nodes: CompletionNode[];
beforeAll(async () => {
  nodes = completionTree(await buildProgram([], { allGroups: true }));
}, 60_000);

const node = (path: string) => nodes.find((n) => n.path === path)!;

/** COMPREPLY for the typed words (the last one is being completed), `aibench --list` answered by a stub. */
function complete(words: string[], listed: Record<string, string[]> = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'aibench-complete-'));
  writeFileSync(join(dir, 'c.bash'), completionScript('bash', nodes));
  const stub = Object.entries(listed).map(([kind, names]) => `[[ "$3" == ${kind} ]] && printf '%s\\n' ${names.join(' ')}`).join('; ');
  const script = `source ${dir}/c.bash; aibench() { ${stub || ':'}; }; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _aibench; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('completion tree', () => {
  it('has every command path with its options and what their values are', () => {
    expect(node('').subcommands).toEqual(expect.arrayContaining(['bench', 'service', 'suite', 'profiles', 'completion']));
    expect(node('bench run').options.find((o) => o.flags.includes('--profile'))?.values).toBe('profiles');
    expect(node('bench run').options.find((o) => o.flags.includes('--dataset'))?.values).toEqual(['random', 'prefix', 'sharegpt', 'jsonl', 'trace']);
    expect(node('service models').args).toBe('services');
    expect(node('service start').options.find((o) => o.flags.includes('--cluster'))?.values).toBe('clusters');
    expect(node('completion').options.some((o) => o.flags.includes('--list'))).toBe(false); // hidden
  });
});

describe('bash completion script', () => {
  it('completes commands, subcommands and flags', () => {
    expect(complete(['aibench', 'se'])).toEqual(['service']);
    expect(complete(['aibench', 'service', ''])).toEqual(['start', 'wait', 'ls', 'status', 'stop', 'logs', 'models']);
    expect(complete(['aibench', '--config', 'c.yaml', 'bench', 'run', '--con'])).toEqual(['--concurrency']);
  });

  it('completes option values: choices, and names from local state through `aibench completion --list`', () => {
    expect(complete(['aibench', 'bench', 'run', '--dataset', ''])).toEqual(['random', 'prefix', 'sharegpt', 'jsonl', 'trace']);
    expect(complete(['aibench', 'service', 'models', ''], { services: ['opt-1', 'llama-2'] })).toEqual(['opt-1', 'llama-2']);
    expect(complete(['aibench', 'service', 'start', '--cluster', 'h'], { clusters: ['local', 'hpc'] })).toEqual(['hpc']);
    // A value is not taken for a subcommand: `--url run` stays the URL.
    expect(complete(['aibench', 'bench', 'run', '--url', 'run', '--prof'])).toEqual(['--profile']);
  });
});

describe('zsh and fish scripts', () => {
  it('zsh registers _aibench and offers names through compadd', () => {
    const script = completionScript('zsh', nodes);
    expect(script.startsWith('#compdef aibench\n')).toBe(true);
    expect(script).toContain('compdef _aibench aibench');
    expect(script).toContain("'bench run|--profile') echo profiles ;;");
  });

  it('fish declares each command path and option, quoting descriptions', () => {
    const script = completionScript('fish', nodes);
    expect(script).toContain("complete -c aibench -n 'test (__aibench_path) = '\\''bench run'\\''' -l profile -r -f -a '(aibench completion --list profiles 2>/dev/null)'");
    // fish and POSIX shells read '…' and '\'' alike: each line must split into words without error.
    const lines = script.split('\n').filter((l) => l.startsWith('complete '));
    const words = execFileSync('bash', ['-c', lines.map((l) => `eval "set -- ${l.replace(/["\\$`]/g, '\\$&')}"; echo $#`).join('\n')], { encoding: 'utf8' });
    expect(words.trim().split('\n')).toHaveLength(lines.length);
  });
});
