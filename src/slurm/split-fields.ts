// Slurm's `|`-separated outputs (squeue --format, sacct --parsable2) with the job name LAST, so a
// `|` inside a name cannot shift the other fields: the fixed fields come first, the name is the rest.
import { SlurmError } from '../errors.js';

/** Each non-blank line as `fields` values, the last one rejoined; a short line is a parse error. */
export function* splitNameLast(text: string, fields: number, tool: string, format: string): Generator<string[]> {
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const parts = line.split('|');
    if (parts.length < fields) {
      throw new SlurmError(`Expected ${fields} '|'-separated ${tool} fields (${format}), got ${JSON.stringify(line)}`, {
        code: 'E_SLURM_PARSE',
      });
    }
    yield [...parts.slice(0, fields - 1), parts.slice(fields - 1).join('|')];
  }
}
