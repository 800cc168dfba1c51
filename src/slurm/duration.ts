// Slurm durations, one parser for limits (`--time`) and elapsed times (squeue %M, sacct Elapsed).
// Forms: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. The leading field is unbounded
// (Slurm accepts `90` minutes or `48:00:00`); the fields after it must stay in range.

const FORMS: readonly { re: RegExp; units: readonly number[] }[] = [
  { re: /^(\d+)$/, units: [60] },
  { re: /^(\d+):(\d{1,2})$/, units: [60, 1] },
  { re: /^(\d+):(\d{1,2}):(\d{1,2})$/, units: [3600, 60, 1] },
  { re: /^(\d+)-(\d{1,2})$/, units: [86400, 3600] },
  { re: /^(\d+)-(\d{1,2}):(\d{1,2})$/, units: [86400, 3600, 60] },
  { re: /^(\d+)-(\d{1,2}):(\d{1,2}):(\d{1,2})$/, units: [86400, 3600, 60, 1] },
];

const LIMIT: Readonly<Record<number, number>> = { 3600: 24, 60: 60, 1: 60 };

export const SLURM_TIME_FORMS = 'MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS';

/** Seconds in a Slurm duration, or undefined when it is not one of the six Slurm forms. */
export function slurmDurationSeconds(text: string): number | undefined {
  for (const { re, units } of FORMS) {
    const match = re.exec(text);
    if (!match) continue;
    let total = 0;
    for (const [i, unit] of units.entries()) {
      const value = Number(match[i + 1]);
      // Only fields after the first are bounded: hours after `D-`, minutes and seconds after `:`.
      if (i > 0 && value >= (LIMIT[unit] ?? Infinity)) return undefined;
      total += value * unit;
    }
    return total;
  }
  return undefined;
}

/** The elapsed fields of a JobStatus from Slurm's text (empty text gives none). */
export function elapsedFields(text: string): { elapsed?: string; elapsedS?: number } {
  if (text === '') return {};
  const seconds = slurmDurationSeconds(text);
  return seconds === undefined ? { elapsed: text } : { elapsed: text, elapsedS: seconds };
}
