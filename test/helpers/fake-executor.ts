// An Executor that runs nothing: `answer` decides each command's result (default: exit 0, no
// output), every argv is recorded, and files and forwards are refused. For tests of the logic
// above Slurm where no real cluster can produce the case (a race, a job no command knows).
import type { Executor, RunResult } from '../../src/exec/types.js';

export type FakeAnswer = (argv: readonly string[]) => Partial<RunResult> | Promise<Partial<RunResult>>;

export function fakeExecutor(answer: Partial<RunResult> | FakeAnswer = {}): Executor & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    kind: 'local', label: 'fake', calls,
    run: async (argv) => {
      calls.push([...argv]);
      const got = typeof answer === 'function' ? await answer(argv) : answer;
      return { stdout: '', stderr: '', exitCode: 0, timedOut: false, ...got };
    },
    readFile: async () => { throw new Error('no files'); },
    writeFile: async () => undefined,
    mkdirp: async () => undefined,
    forwardOut: async () => { throw new Error('no forwards'); },
    forwardIn: async () => { throw new Error('no forwards'); },
    close: async () => undefined,
  };
}
