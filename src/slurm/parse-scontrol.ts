// Parse `scontrol show job -o ID`: one line of `Key=Value` pairs per job (an array or het job
// gives one line per task or component). Values of Command=, WorkDir=, Comment= and StdOut= may
// hold spaces, so a word that does not start with `Key=` continues the previous value. JobName
// may hold anything, even ` Key=`; it is always followed by `UserId=user(uid) GroupId=`, which
// bounds it.
import { SlurmError } from '../errors.js';
import { parseStateField, type JobStatus } from './job-state.js';
import { parseExitCode } from './parse-sacct.js';
import { elapsedFields } from './duration.js';

const KEY_START = /^[A-Za-z][A-Za-z0-9_:/]*=/;
const NAME_SPAN = /(?:^| )JobName=(.*?) (?=UserId=\S*\(\d+\) GroupId=)/;

/** Split `K=V K2=V 2` into pairs; a word without `Key=` belongs to the value before it. */
function pairs(text: string): Map<string, string> {
  const map = new Map<string, string>();
  let key: string | undefined;
  for (const word of text.split(' ')) {
    const match = KEY_START.exec(word);
    if (match) {
      key = match[0].slice(0, -1);
      map.set(key, word.slice(match[0].length));
    } else if (key !== undefined) {
      map.set(key, `${map.get(key) ?? ''} ${word}`);
    }
  }
  return map;
}

/** `123`, `123_4`, `123_[5-9]` (pending tasks) or `123+0`, the way squeue and sacct spell it. */
function displayId(fields: Map<string, string>): string {
  const arrayJob = fields.get('ArrayJobId');
  const task = fields.get('ArrayTaskId');
  if (arrayJob !== undefined && task !== undefined) {
    return /^\d+$/.test(task) ? `${arrayJob}_${task}` : `${arrayJob}_[${task}]`;
  }
  const het = fields.get('HetJobId');
  const offset = fields.get('HetJobOffset');
  if (het !== undefined && offset !== undefined) return `${het}+${offset}`;
  return fields.get('JobId') ?? '';
}

/** Parse one `scontrol show job -o` line into a JobStatus. */
export function parseScontrolLine(line: string): JobStatus {
  const nameMatch = NAME_SPAN.exec(line);
  const name = nameMatch?.[1];
  const rest = nameMatch ? line.slice(0, nameMatch.index) + line.slice(nameMatch.index + nameMatch[0].length - 1) : line;
  const fields = pairs(rest.trim());
  const jobState = fields.get('JobState');
  if (fields.get('JobId') === undefined || jobState === undefined) {
    throw new SlurmError(`Expected an scontrol job line with JobId= and JobState=, got ${JSON.stringify(line.slice(0, 120))}`, {
      code: 'E_SLURM_PARSE',
    });
  }
  const { state, reason } = parseStateField(jobState);
  const status: JobStatus = {
    jobId: displayId(fields),
    state,
    source: 'scontrol',
    ...parseExitCode(fields.get('ExitCode') ?? ''),
    ...elapsedFields(fields.get('RunTime')?.trimEnd() ?? ''),
  };
  const why = fields.get('Reason')?.trimEnd() ?? reason;
  if (why !== undefined && why !== '' && why !== 'None') status.reason = why;
  const node = fields.get('NodeList')?.trimEnd();
  if (node !== undefined && node !== '' && node !== '(null)') status.node = node;
  const plainName = name ?? fields.get('JobName');
  if (plainName !== undefined) status.name = plainName;
  return status;
}

/** Every job line in `scontrol show job -o` output; blank lines are skipped. */
export function parseScontrol(text: string): JobStatus[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(parseScontrolLine);
}
