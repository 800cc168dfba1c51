// Parse the `jobs ls` squeue format: the status fields, then the comment, then the name last.
// A `|` inside a comment is ambiguous; aibench's own tag never holds one, so a line whose comment
// is an aibench tag always parses exactly, and other lines take the comment up to the first `|`.
import { JOB_TAG_PREFIX } from './job-layout.js';
import type { JobStatus } from './job-state.js';
import { parseSqueue } from './parse-squeue.js';

/** id | state | reason | nodes | elapsed | comment | name. */
export const LIST_FORMAT = '%i|%T|%r|%N|%M|%k|%j';
const STATUS_FIELDS = 5;

export interface ListedJob extends JobStatus {
  comment?: string;
}

/** One ListedJob per line, comment split off so parseSqueue sees its own format. */
export function parseJobList(text: string): ListedJob[] {
  const out: ListedJob[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const parts = line.split('|');
    const rest = parts.slice(STATUS_FIELDS).join('|');
    const cut = rest.indexOf('|');
    const comment = cut === -1 ? rest : rest.slice(0, cut);
    const name = cut === -1 ? '' : rest.slice(cut + 1);
    const [status] = parseSqueue([...parts.slice(0, STATUS_FIELDS), name].join('|'));
    if (status === undefined) continue;
    const job: ListedJob = { ...status };
    if (comment !== '' && comment !== '(null)') job.comment = comment;
    out.push(job);
  }
  return out;
}

/** The uuid of an aibench tag, if the comment is one. */
export function tagUuid(comment: string | undefined): string | undefined {
  return comment?.startsWith(JOB_TAG_PREFIX) ? comment.slice(JOB_TAG_PREFIX.length) : undefined;
}
