// `aibench profiles ls`: the profiles shipped with aibench, by name, kind and one-line purpose.
import { Command } from 'commander';
import { listBuiltInProfiles, RUN_WITH } from '../config/profiles.js';
import { createOutput } from '../report/output.js';
import { renderTable } from '../report/table.js';

/** The `profiles` command group. */
export function buildProfilesCommand(): Command {
  const profiles = new Command('profiles').description('the benchmark profiles and suites shipped with aibench, usable by name');
  profiles.addCommand(
    new Command('ls')
      .description('list the built-in profiles: name, kind (bench, search or suite), purpose and how to run each')
      .option('--json', 'print one JSON document on stdout')
      .option('--quiet', 'print only the names, one per line, on stdout')
      .addHelpText('after', '\nExample:\n  $ aibench profiles ls\n  $ aibench bench run --profile quickstart')
      .action(async (opts: { json?: boolean; quiet?: boolean }) => {
        const out = createOutput({ json: opts.json, quiet: opts.quiet });
        const list = await listBuiltInProfiles();
        if (opts.json) return out.dataJson({ profiles: list });
        if (opts.quiet) return list.forEach((p) => out.data(p.name));
        out.data(renderTable(['name', 'kind', 'purpose', 'run with'], list.map((p) => [p.name, p.kind, p.description, `${RUN_WITH[p.kind]} ${p.name}`])));
      }),
  );
  return profiles;
}
