// `aibench config show|init|path`.
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { stringify } from 'yaml';
import writeFileAtomic from 'write-file-atomic';
import { allClusters, resolveCluster } from '../config/cluster.js';
import { chooseConfigPath } from '../config/paths.js';
import { redactSecrets } from '../config/redact.js';
import { STARTER_CONFIG } from '../config/starter.js';
import { UsageError } from '../errors.js';
import { createOutput } from '../report/output.js';
import { configFor, globalOptions } from './context.js';

/** The `config` command group. */
export function buildConfigCommand(): Command {
  const config = new Command('config').description('show or create the aibench config file');

  config
    .command('show')
    .description('print the effective config (defaults filled in, secrets redacted)')
    .option('--json', 'print JSON instead of YAML')
    .addHelpText('after', '\nExample:\n  $ aibench config show --json | jq .clusters')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const loaded = await configFor(cmd);
      const clusters = Object.fromEntries(
        Object.keys(allClusters(loaded.config)).map((name) => [name, resolveCluster(loaded.config, name)]),
      );
      const effective = redactSecrets({ ...loaded.config, clusters, config_file: loaded.path ?? '(built-in default)' });
      const out = createOutput({ json: opts.json });
      if (opts.json) out.dataJson(effective);
      else out.data(stringify(effective));
    });

  config
    .command('init')
    .description('write a commented starter config file')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExample:\n  $ aibench config init && $EDITOR ~/.config/aibench/config.yaml')
    .action(async (opts: { force?: boolean }, cmd: Command) => {
      const { path } = chooseConfigPath(globalOptions(cmd).config);
      const exists = await access(path).then(
        () => true,
        () => false,
      );
      if (exists && !opts.force) {
        throw new UsageError(`${path} already exists`, { hint: 'Pass --force to overwrite it.' });
      }
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, STARTER_CONFIG, { mode: 0o600 });
      createOutput().data(path);
    });

  config
    .command('path')
    .description('print which config file aibench reads')
    .addHelpText('after', '\nExample:\n  $ aibench config path')
    .action((_opts: unknown, cmd: Command) => {
      createOutput().data(chooseConfigPath(globalOptions(cmd).config).path);
    });

  return config;
}
