import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { LogsFlagsSchema, SubmitFlagsSchema, WaitFlagsSchema, parseEnvPairs, parseFlags, scriptBody, submitInput, timeoutMs } from '../../../src/cli/jobs-options.js';

describe('jobs flags', () => {
  it('needs exactly one of --script and --wrap', () => {
    expect(() => parseFlags(SubmitFlagsSchema, {})).toThrow('--script: expected exactly one of --script FILE or --wrap CMD');
    expect(() => parseFlags(SubmitFlagsSchema, { script: 'a', wrap: 'b' })).toThrow(UsageError);
    expect(parseFlags(SubmitFlagsSchema, { wrap: 'hostname', cpus: '4' })).toMatchObject({ wrap: 'hostname', cpus: 4, env: [] });
  });

  it('names the flag, the value and the expectation', () => {
    expect(() => parseFlags(SubmitFlagsSchema, { wrap: 'x', cpus: 'two' })).toThrow('--cpus: expected a whole number of CPUs > 0, got "two"');
    expect(() => parseFlags(SubmitFlagsSchema, { wrap: 'x', env: ['NOVALUE'] })).toThrow('--env: expected K=V, got "NOVALUE"');
    expect(() => parseFlags(WaitFlagsSchema, { until: 'later' })).toThrow(/--until: .*"later"/);
    expect(() => parseFlags(LogsFlagsSchema, { lines: '-1' })).toThrow(/--lines/);
    expect(() => timeoutMs('soon')).toThrow(/--timeout: expected a duration/);
    expect(timeoutMs('10m')).toBe(600_000);
  });

  it('passes --qos and --account through to the job', async () => {
    const input = await submitInput(parseFlags(SubmitFlagsSchema, { wrap: 'true', qos: 'high', account: 'proj' }));
    expect(input).toMatchObject({ body: 'true', qos: 'high', account: 'proj' });
  });

  it('keeps env values literally, = and newlines included', () => {
    expect(parseEnvPairs(['A=b=c', 'B=x\ny', 'A=last'])).toEqual({ A: 'last', B: 'x\ny' });
  });

  it('drops a script shebang and refuses #SBATCH lines that sbatch would ignore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-script-'));
    writeFileSync(join(dir, 'ok.sh'), '#!/bin/bash\necho hi\n');
    writeFileSync(join(dir, 'directives.sh'), '#!/bin/bash\n#SBATCH --time=5\necho hi\n');
    expect(await scriptBody(join(dir, 'ok.sh'))).toBe('echo hi\n');
    await expect(scriptBody(join(dir, 'directives.sh'))).rejects.toThrow(/#SBATCH/);
    await expect(scriptBody(join(dir, 'missing.sh'))).rejects.toThrow(/--script: cannot read/);
  });
});
