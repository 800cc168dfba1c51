// The charting library (uPlot) and the report's browser script, as the build step left them in
// dist/report-assets/ (scripts/build-report-assets.js). Read once per process; every report inlines them.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { AibenchError } from '../errors.js';
import { packagePath } from '../package-files.js';

export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  viewJs: string;
  uplotVersion: string;
}

const ASSETS = pathToFileURL(`${packagePath('dist', 'report-assets')}/`);
let cached: Promise<ReportAssets> | undefined;

/** Load the inlined assets; an AibenchError naming the fix when the build step has not run. */
export function reportAssets(): Promise<ReportAssets> {
  cached ??= load().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function load(): Promise<ReportAssets> {
  const read = (name: string): Promise<string> => readFile(new URL(name, ASSETS), 'utf8');
  try {
    const [uplotJs, uplotCss, viewJs, versions] = await Promise.all([
      read('uplot.min.js'), read('uplot.min.css'), read('view/report-view.js'), read('versions.json'),
    ]);
    if (/<\/script/i.test(viewJs)) throw new Error('view/report-view.js contains </script>');
    return { uplotJs, uplotCss, viewJs, uplotVersion: (JSON.parse(versions) as { uplot: string }).uplot };
  } catch (error) {
    throw new AibenchError(`The HTML report's assets are missing or broken in ${ASSETS.pathname}: ${(error as Error).message}`, {
      code: 'E_REPORT_ASSETS', hint: 'run `npm run build` in the aibench checkout', cause: error,
    });
  }
}
