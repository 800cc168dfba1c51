// Every AibenchError subclass carries its exit code and its HTTP status, and the API answers a
// thrown error with that status (by the field, so a new subclass needs no mapping anywhere).
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../src/api/error-response.js';
import {
  AibenchError, BenchError, ConfigError, ConflictError, DashboardError, ExecError, ExitCode, HttpError, HttpStatusError, InterruptedRun, LockedError,
  NotFoundError, RequestRefused, ServiceError, SlurmError, SshError, ThresholdError, UsageError,
} from '../../src/errors.js';

describe('error classes', () => {
  it.each([
    [new UsageError('x'), ExitCode.USAGE, 400],
    [new ConfigError('x'), ExitCode.USAGE, 400],
    [new NotFoundError('x'), ExitCode.USAGE, 404],
    [new ConflictError('x'), ExitCode.USAGE, 409],
    [new LockedError('x'), ExitCode.LOCKED, 423],
    [new ThresholdError('x'), ExitCode.THRESHOLD, 422],
    [new ExecError('x'), ExitCode.FAILED, 502],
    [new SshError('x'), ExitCode.FAILED, 502],
    [new SlurmError('x'), ExitCode.FAILED, 502],
    [new ServiceError('x'), ExitCode.FAILED, 502],
    [new BenchError('x'), ExitCode.FAILED, 502],
    [new InterruptedRun(), ExitCode.INTERRUPTED, 503],
    [new HttpError('x', 'E_HTTP_TIMEOUT'), ExitCode.FAILED, 502],
    [new HttpStatusError('x', 500, ''), ExitCode.FAILED, 502],
    [new DashboardError('x'), ExitCode.FAILED, 500],
    [new AibenchError('x'), ExitCode.FAILED, 500],
    [new RequestRefused(415, 'x'), ExitCode.USAGE, 415],
  ])('%s: exit %i, HTTP %i, and the API answers that status with its message and code', (error, exitCode, status) => {
    expect(error).toBeInstanceOf(AibenchError);
    expect([error.exitCode, error.httpStatus]).toEqual([exitCode, status]);
    expect(errorResponse(error)).toMatchObject({ status, body: { error: error.message, code: error.code }, internal: false });
  });

  it('a thrower can say what its error means over HTTP without a new class', () => {
    expect(errorResponse(new SlurmError('sbatch: invalid partition', { httpStatus: 400 })).status).toBe(400);
  });

  it('RequestRefused carries its issues and headers; anything not an AibenchError is an internal 500 without detail', () => {
    const refused = new RequestRefused(400, 'invalid request body', { issues: [{ path: 'rate', message: 'expected a number > 0' }], headers: { connection: 'close' } });
    expect(errorResponse(refused)).toEqual({
      status: 400, body: { error: 'invalid request body', code: 'E_REQUEST', issues: [{ path: 'rate', message: 'expected a number > 0' }] }, headers: { connection: 'close' }, internal: false,
    });
    expect(errorResponse(new TypeError('secret detail'))).toEqual({ status: 500, body: { error: 'internal error' }, headers: {}, internal: true });
  });
});
