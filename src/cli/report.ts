// `aibench report FILE_OR_DIR...`: read results -> one self-contained HTML file -> optionally open it.
import { Command } from 'commander';
import { execa } from 'execa';
import { resolve } from 'node:path';
import { writeReportFile } from '../report/html-page.js';
import { createOutput } from '../report/output.js';
import { loadResultInputs, reportSkipped, requireRuns } from '../report/result-inputs.js';

interface ReportFlags {
  out: string;
  open?: boolean;
  title?: string;
  quiet?: boolean;
}

/** The `report` command. */
export function buildReportCommand(): Command {
  return new Command('report')
    .description('one self-contained HTML report (plots, tables, no network at view time) from result files or directories')
    .argument('<paths...>', 'result JSON files, or directories searched for them (a suite\'s output, nightly dirs)')
    .option('--out <file>', 'the HTML file to write', 'report.html')
    .option('--title <text>', 'the page title (default: aibench report)')
    .option('--open', 'open the report in the desktop\'s browser (xdg-open / open)')
    .option('--quiet', 'print nothing but errors')
    .addHelpText('after', '\nExamples:\n  $ aibench report result.json --out result.html\n  $ aibench report results/nightly-2025-01-31/ --out nightly.html --open')
    .action(async (paths: string[], flags: ReportFlags) => {
      const output = createOutput({ quiet: flags.quiet });
      const inputs = await loadResultInputs(paths);
      reportSkipped(inputs, output);
      const runs = requireRuns(inputs, paths);
      await writeReportFile(runs, flags.out, { ...(flags.title === undefined ? {} : { title: flags.title }), ...(inputs.searches.length > 0 ? { searches: inputs.searches } : {}) });
      output.info(`report of ${runs.length} run(s) written to ${flags.out}`);
      if (flags.open) await openInBrowser(resolve(flags.out), output.warn);
    });
}

// The desktop's opener (it hands the file to the browser and returns); a machine without one (a
// login node) gets a warning, not an error: the report is written either way.
async function openInBrowser(path: string, warn: (line: string) => void): Promise<void> {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  const result = await execa(opener, [path], { reject: false, stdio: 'ignore', timeout: 15_000 });
  if (result.failed) warn(`could not open ${path} with ${opener} (${result.code ?? `exit ${result.exitCode}`}); open it in a browser yourself`);
}
