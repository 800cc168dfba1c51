// Completion scripts for bash, zsh and fish, rendered from the completion tree. The command and
// option tables are shell `case` functions shared by bash and zsh; names from local state (service
// ids, cluster names, built-in profiles) come from `aibench completion --list KIND` at TAB time.
// Every string from the program (a description) goes through the one quoting function.
import { shellQuote } from '../exec/quote.js';
import type { CompletionNode, CompletionOption } from './completion-tree.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What an option's value is for the scripts: a kind, `choice:a b`, or `none` (a value, nothing to offer). */
function valueSpec(option: CompletionOption): string | undefined {
  if (!option.takesValue) return undefined;
  if (option.values === undefined) return 'none';
  return Array.isArray(option.values) ? `choice:${option.values.join(' ')}` : option.values;
}

const arm = (pattern: string, body: string) => `    ${shellQuote(pattern)}) echo ${shellQuote(body)} ;;`;

/** The sh `case` tables both bash and zsh call: subcommands, options, option values, arguments. */
function tables(nodes: readonly CompletionNode[]): string {
  const values = nodes.flatMap((n) => n.options.flatMap((o) => o.flags.map((f) => [`${n.path}|${f}`, valueSpec(o)] as const)).filter(([, v]) => v !== undefined));
  return [
    '_aibench_subcommands() {\n  case "$1" in',
    ...nodes.filter((n) => n.subcommands.length > 0).map((n) => arm(n.path, n.subcommands.join(' '))),
    '  esac\n}',
    '_aibench_options() {\n  case "$1" in',
    ...nodes.map((n) => arm(n.path, n.options.flatMap((o) => o.flags).join(' '))),
    '  esac\n}',
    '# the value an option takes in a command: files, services, clusters, profiles, suites, choice:..., none',
    '_aibench_option_value() {\n  case "$1|$2" in',
    ...values.map(([key, spec]) => arm(key, spec!)),
    '  esac\n}',
    '_aibench_args() {\n  case "$1" in',
    ...nodes.filter((n) => n.args !== undefined).map((n) => arm(n.path, n.args!)),
    '  esac\n}',
    // The command path typed so far: subcommand words, skipping options and the values they take.
    '_aibench_path() {\n  local cmdpath="" word skip=0\n  for word in "$@"; do',
    '    if [ "$skip" = 1 ]; then skip=0; continue; fi',
    '    case "$word" in',
    '      -*=*) ;;',
    '      -*) [ -n "$(_aibench_option_value "$cmdpath" "$word")" ] && skip=1 ;;',
    '      *) case " $(_aibench_subcommands "$cmdpath") " in *" $word "*) cmdpath="${cmdpath:+$cmdpath }$word" ;; esac ;;',
    '    esac\n  done\n  echo "$cmdpath"\n}',
  ].join('\n');
}

function bash(nodes: readonly CompletionNode[]): string {
  return `# aibench completion for bash. Load it now:   source <(aibench completion bash)
# or for every shell:  aibench completion bash > ~/.local/share/bash-completion/completions/aibench
${tables(nodes)}
_aibench_values() {
  case "$1" in
    files) compgen -f -- "$2" ;;
    choice:*) compgen -W "\${1#choice:}" -- "$2" ;;
    none) ;;
    *) compgen -W "$(aibench completion --list "$1" 2>/dev/null)" -- "$2" ;;
  esac
}
_aibench() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmdpath kind subs
  cmdpath=$(_aibench_path "\${COMP_WORDS[@]:1:COMP_CWORD-1}")
  COMPREPLY=()
  if [[ $COMP_CWORD -gt 1 && $prev == -* ]]; then
    kind=$(_aibench_option_value "$cmdpath" "$prev")
    if [[ -n $kind ]]; then mapfile -t COMPREPLY < <(_aibench_values "$kind" "$cur"); return 0; fi
  fi
  if [[ $cur == -* ]]; then mapfile -t COMPREPLY < <(compgen -W "$(_aibench_options "$cmdpath")" -- "$cur"); return 0; fi
  subs=$(_aibench_subcommands "$cmdpath")
  if [[ -n $subs ]]; then mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur"); return 0; fi
  kind=$(_aibench_args "$cmdpath")
  [[ -n $kind ]] && mapfile -t COMPREPLY < <(_aibench_values "$kind" "$cur")
  return 0
}
complete -o default -F _aibench aibench
`;
}

function zsh(nodes: readonly CompletionNode[]): string {
  return `#compdef aibench
# aibench completion for zsh. Load it now:   source <(aibench completion zsh)
# or for every shell: aibench completion zsh > "\${fpath[1]}/_aibench"   (then: compinit)
${tables(nodes)}
_aibench_offer() {
  case "$1" in
    files) _files ;;
    choice:*) compadd -- \${=\${1#choice:}} ;;
    none) ;;
    *) compadd -- \${(f)"$(aibench completion --list "$1" 2>/dev/null)"} ;;
  esac
}
_aibench() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}" cmdpath kind subs
  cmdpath=$(_aibench_path "\${(@)words[2,CURRENT-1]}")
  if (( CURRENT > 2 )) && [[ $prev == -* ]]; then
    kind=$(_aibench_option_value "$cmdpath" "$prev")
    if [[ -n $kind ]]; then _aibench_offer "$kind"; return; fi
  fi
  if [[ $cur == -* ]]; then compadd -- \${=$(_aibench_options "$cmdpath")}; return; fi
  subs=$(_aibench_subcommands "$cmdpath")
  if [[ -n $subs ]]; then compadd -- \${=subs}; return; fi
  kind=$(_aibench_args "$cmdpath")
  [[ -n $kind ]] && _aibench_offer "$kind"
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _aibench "$@"; else compdef _aibench aibench; fi
`;
}

function fishValues(spec: string): string {
  if (spec === 'files') return '-r -F';
  if (spec === 'none') return '-r -f';
  if (spec.startsWith('choice:')) return `-r -f -a ${shellQuote(spec.slice('choice:'.length))}`;
  return `-r -f -a ${shellQuote(`(aibench completion --list ${spec} 2>/dev/null)`)}`;
}

function fish(nodes: readonly CompletionNode[]): string {
  const lines = ['# aibench completion for fish:  aibench completion fish > ~/.config/fish/completions/aibench.fish', 'complete -c aibench -f'];
  lines.push('function __aibench_path', '  set -l cmdpath', '  set -l skip 0', '  for word in (commandline -opc)[2..-1]',
    '    if test $skip = 1; set skip 0; continue; end',
    "    if string match -q -- '-*=*' $word; continue; end",
    "    if string match -q -- '-*' $word; contains -- (string join ' ' $cmdpath)\"|$word\" $__aibench_value_options; and set skip 1; continue; end",
    "    contains -- $word (__aibench_subcommands (string join ' ' $cmdpath)); and set -a cmdpath $word",
    '  end', "  string join ' ' $cmdpath", 'end');
  lines.push('function __aibench_subcommands', '  switch "$argv[1]"',
    ...nodes.filter((n) => n.subcommands.length > 0).map((n) => `    case ${shellQuote(n.path)}\n      printf '%s\\n' ${n.subcommands.join(' ')}`), '  end', 'end');
  const valued = nodes.flatMap((n) => n.options.filter((o) => o.takesValue).flatMap((o) => o.flags.map((f) => shellQuote(`${n.path}|${f}`))));
  lines.push(`set -g __aibench_value_options ${valued.join(' ')}`);
  for (const n of nodes) {
    const when = `-n ${shellQuote(`test (__aibench_path) = ${shellQuote(n.path)}`)}`;
    if (n.subcommands.length > 0) lines.push(`complete -c aibench ${when} -a ${shellQuote(n.subcommands.join(' '))}`);
    else if (n.args !== undefined) lines.push(`complete -c aibench ${when} ${n.args === 'files' ? '-F' : `-a ${shellQuote(`(aibench completion --list ${n.args} 2>/dev/null)`)}`}`);
    for (const o of n.options) {
      const spellings = o.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ');
      const spec = valueSpec(o);
      lines.push(`complete -c aibench ${when} ${spellings}${spec ? ` ${fishValues(spec)}` : ''} -d ${shellQuote(o.description.split('\n')[0]!.slice(0, 80))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script for `shell`. */
export function completionScript(shell: Shell, nodes: readonly CompletionNode[]): string {
  return { bash, zsh, fish }[shell](nodes);
}
