import { describe, expect, it } from 'vitest';
import { buildDashboardsCommand, parseVarFlags } from '../../../src/cli/dashboards.js';
import { UsageError } from '../../../src/errors.js';

describe('dashboards command', () => {
  it('parses --var name=value pairs and refuses malformed ones', () => {
    expect(parseVarFlags(['service_id=svc-1', 'job_id=42=x'])).toEqual({ service_id: 'svc-1', job_id: '42=x' });
    expect(() => parseVarFlags(['service_id'])).toThrow(UsageError);
  });

  it('has build and check, each with an example in --help', () => {
    const cmd = buildDashboardsCommand();
    expect(cmd.commands.map((c) => c.name())).toEqual(['build', 'check']);
    for (const sub of cmd.commands) {
      let help = '';
      sub.configureOutput({ writeOut: (s) => { help += s; } });
      sub.outputHelp();
      expect(help).toMatch(/Example:\n {2}\$ aibench dashboards (build|check)/);
    }
  });
});
