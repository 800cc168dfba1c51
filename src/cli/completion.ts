// `aibench completion bash|zsh|fish`: print a completion script for the shell. The hidden
// `--list KIND` is what those scripts call at TAB time for names kept locally (service ids from the
// service store, cluster names from the config, built-in profiles and suites); it prints nothing
// rather than an error, so a broken config never garbles the command line.
import { Command, Option } from 'commander';
import { builtInProfileNames, listBuiltInProfiles } from '../config/profiles.js';
import { UsageError } from '../errors.js';
import { createOutput } from '../report/output.js';
import { completionScript, SHELLS, type Shell } from './completion-scripts.js';
import { completionTree, LIST_KINDS } from './completion-tree.js';
import { configFor } from './context.js';

type ListKind = (typeof LIST_KINDS)[number];

async function names(kind: ListKind, cmd: Command): Promise<string[]> {
  if (kind === 'services') {
    const { ServiceStore } = await import('../service/store.js');
    return Object.keys(await new ServiceStore().read());
  }
  if (kind === 'clusters') {
    const { allClusters } = await import('../config/cluster.js');
    return Object.keys(allClusters((await configFor(cmd)).config));
  }
  if (kind === 'profiles') return (await listBuiltInProfiles()).filter((p) => p.kind === 'bench').map((p) => p.name);
  return (await listBuiltInProfiles()).filter((p) => p.kind === 'suite').map((p) => p.name);
}

/** The `completion` command. */
export function buildCompletionCommand(): Command {
  return new Command('completion')
    .description('print a shell completion script (commands, flags, service ids, cluster and profile names)')
    .argument('[shell]', `the shell: ${SHELLS.join(', ')}`)
    .addOption(new Option('--list <kind>', 'print the names completion offers').choices(LIST_KINDS).hideHelp())
    .addHelpText('after', `\nInstall:\n  bash  $ aibench completion bash > ~/.local/share/bash-completion/completions/aibench\n  zsh   $ aibench completion zsh > "\${fpath[1]}/_aibench"\n  fish  $ aibench completion fish > ~/.config/fish/completions/aibench.fish\nbuilt-in profiles: ${builtInProfileNames().join(', ')}`)
    .action(async (shell: string | undefined, opts: { list?: ListKind }, cmd: Command) => {
      const out = createOutput({});
      if (opts.list !== undefined) {
        for (const name of await names(opts.list, cmd).catch(() => [])) out.data(name);
        return;
      }
      if (!SHELLS.includes(shell as Shell)) throw new UsageError(`completion: expected a shell (${SHELLS.join(', ')}), got ${JSON.stringify(shell ?? '')}`);
      const { buildProgram } = await import('./main.js');
      out.data(completionScript(shell as Shell, completionTree(await buildProgram([], { allGroups: true }))));
    });
}
