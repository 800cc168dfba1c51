// `aibench bench search`: the highest rate (or concurrency) that meets every SLO. parse -> validate
// -> one core call (the same one `bench run` makes; a spec with a search measures step by step)
// -> render the step table and the answer; the verdict becomes the exit code.
import { Command } from 'commander';
import { outputSearchDocument, rescuePath, writeResultFile } from '../bench/results/result-io.js';
import { UsageError } from '../errors.js';
import { createOutput } from '../report/output.js';
import { addSpecOptions, SEARCH_FLAGS, SPEC_FLAGS } from './bench-options.js';
import { runWithProgress, specFromCommandLine, verdictToExit } from './bench-outcome.js';

interface SearchFlags {
  profile?: string;
  out?: string;
  html?: string;
  apiKeyFile?: string;
  json?: boolean;
  quiet?: boolean;
}

const HELP = `
The search: measure LO; double the level (x2, at most HI) while every SLO holds; then bisect
between the highest level that met the SLOs and the lowest that missed (geometric midpoints; whole
numbers for concurrency) until they are within --precision of each other, or --max-steps runs were
made. Each step is a full measured run (--step-duration minutes, or --num-requests). Exit 0 with an
answer, 3 when even LO misses an SLO, 1 when nothing completed, 130 when interrupted.

Example:
  $ aibench bench search --url http://node1:8000 --slo 'p99_ttft_ms<=500' --slo 'p99_tpot_ms<=50' \\
      --rate-range 1:64 --precision 5% --step-duration 1 --out search.json
`;

/** The `bench search` command. */
export function buildSearchCommand(): Command {
  const cmd = new Command('search')
    .description('find the highest request rate (or concurrency) that meets every SLO, step by measured step')
    .option('--profile <name|file>', 'search profile: a built-in name (`aibench profiles ls`) or a YAML file (its keys include slo, rate_range, ...); flags you type override it');
  addSpecOptions(cmd, SEARCH_FLAGS);
  addSpecOptions(cmd, SPEC_FLAGS.filter((f) => !['--concurrency', '--rate', '--duration', '--duration-seconds', '--ramp-up'].includes(f.flags.split(' ')[0] as string)))
    .option('--out <file>', 'write the search document (JSON, validated; - for stdout)')
    .option('--html <file>', 'also write the offline HTML report with the search curve')
    .option('--api-key-file <file>', 'file holding the API key, mode 0600 (else $OPENAI_API_KEY or $VLLM_API_KEY)')
    .option('--json', 'print the search document on stdout')
    .option('--quiet', 'no progress, no table')
    .addHelpText('after', HELP)
    .action(async (flags: SearchFlags, command: Command) => {
      const output = createOutput({ json: flags.json, quiet: flags.quiet });
      const spec = await specFromCommandLine(flags.profile, command, [...SEARCH_FLAGS, ...SPEC_FLAGS], 'search');
      if (spec.search === undefined) throw new UsageError("--slo: expected at least one SLO and --rate-range LO:HI or --concurrency-range LO:HI, e.g. --slo 'p99_ttft_ms<=500' --rate-range 1:64");
      const outcome = await runWithProgress(spec, command, output, flags.apiKeyFile);
      if (outcome.search === undefined) throw new UsageError('bench search: the spec ran without its search (this is a bug)');
      const doc = await outputSearchDocument(outcome.search, rescuePath(flags.out));
      if (flags.out !== undefined && flags.out !== '-') {
        await writeResultFile(flags.out, doc);
        output.info(`search written to ${flags.out}`);
      }
      output.info((await import('../report/search-table.js')).renderSearchTable(doc));
      if (flags.json || flags.out === '-') output.dataJson(doc);
      if (flags.html !== undefined) {
        const { writeHtmlReport } = await import('../report/html-page.js');
        await writeHtmlReport([doc], flags.html);
        output.info(`report written to ${flags.html}`);
      }
      verdictToExit(output, outcome.verdict);
    });
  return cmd;
}
