// What sbatch said: the job id from `--parsable` output, or a SlurmError built from its stderr
// with sbatch's own words and a hint per class of failure.
import { SlurmError } from '../errors.js';

interface SubmittedJob {
  jobId: string;
  /** Set when sbatch answers `123;cluster` (federation / multi-cluster). */
  cluster?: string;
}

/** Parse `sbatch --parsable` stdout: `123` or `123;cluster` on the last non-empty line. */
export function parseSbatchParsable(stdout: string): SubmittedJob {
  const line = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '').at(-1) ?? '';
  const match = /^(\d+)(?:;(\S+))?$/.exec(line);
  if (!match?.[1]) {
    const got = JSON.stringify(stdout.slice(0, 200));
    throw new SlurmError(`Expected sbatch --parsable to print a job id like 123 or 123;cluster, got ${got}`, { code: 'E_SLURM_SUBMIT' });
  }
  return match[2] === undefined ? { jobId: match[1] } : { jobId: match[1], cluster: match[2] };
}

interface FailureClass {
  code: string;
  pattern: RegExp;
  hint: string;
}

// First match wins: the policy message mentions "time limits", so it is tested before the time class.
const CLASSES: readonly FailureClass[] = [
  {
    code: 'E_SLURM_POLICY',
    pattern: /QOSMax|accounting\/QOS policy|AssocMax/i,
    hint: 'The job exceeds a limit of your account or QOS; ask for fewer resources or less time.',
  },
  {
    code: 'E_SLURM_PARTITION',
    pattern: /invalid partition/i,
    hint: 'List partitions with `sinfo -s`; set slurm.partition in the cluster config or pass --partition.',
  },
  {
    code: 'E_SLURM_GRES',
    pattern: /generic resource|gres/i,
    hint: 'Check the gres spelling (gpu:1, gpu:a100:2) and what the nodes offer: `sinfo -o "%P %G"`.',
  },
  {
    code: 'E_SLURM_TIME',
    pattern: /--time specification|time limit/i,
    hint: 'Use MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS, within the partition MaxTime (`sinfo -s`).',
  },
  {
    code: 'E_SLURM_MEMORY',
    pattern: /--mem specification|memory specification/i,
    hint: 'Ask for less memory (500M, 32G) or a partition whose nodes have more (`sinfo -o "%P %m"`).',
  },
  {
    code: 'E_SLURM_ACCOUNT',
    pattern: /invalid account|account\/partition/i,
    hint: 'List your accounts with `sacctmgr show assoc user=$USER`; set slurm.account.',
  },
  {
    code: 'E_SLURM_QOS',
    pattern: /invalid qos/i,
    hint: 'List QOS names with `sacctmgr show qos`; set slurm.qos.',
  },
  {
    code: 'E_SLURM_RESOURCES',
    pattern: /node configuration is not available|cpu count|More processors requested/i,
    hint: 'No node in the partition can satisfy the request; compare with `sinfo -N -l`.',
  },
  {
    code: 'E_SLURM_CONTROLLER',
    pattern: /Unable to contact slurm controller|configuration source|Could not establish|Connection refused|Zero Bytes were transmitted/i,
    hint: 'slurmctld is not reachable from here: check that it runs and that SLURM_CONF points to the right slurm.conf.',
  },
  {
    code: 'E_SLURM_SCRIPT',
    pattern: /Unable to open file|does not look like a batch script|DOS line breaks/i,
    hint: 'The batch script could not be read; check that it was written and is readable.',
  },
];

/** sbatch's error and fatal lines without the repeated `sbatch: error: ` prefix. */
function sbatchMessages(stderr: string): string[] {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const fatal = lines.filter((l) => /^sbatch: fatal: /.test(l));
  const errors = lines.filter((l) => /^sbatch: error: /.test(l));
  const chosen = fatal.length > 0 ? fatal : errors.length > 0 ? errors : lines;
  return chosen.map((l) => l.replace(/^sbatch: (?:error|fatal): /, ''));
}

/** Turn a failed sbatch's stderr into a SlurmError: its own message, plus a hint for the class. */
export function sbatchFailure(stderr: string, exitCode?: number): SlurmError {
  const messages = sbatchMessages(stderr);
  const text = messages.join('; ');
  const found = CLASSES.find((c) => c.pattern.test(text));
  const message = text === '' ? `sbatch failed with exit code ${exitCode ?? 'unknown'} and no message` : `sbatch: ${text}`;
  return new SlurmError(message, {
    code: found?.code ?? 'E_SLURM_SUBMIT',
    hint: found?.hint ?? 'Run the same sbatch command by hand to see the full output.',
  });
}
