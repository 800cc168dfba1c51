// The dashboards room's error: bad output dir, unreadable JSON, failed checks.
import { AibenchError, type AibenchErrorOptions } from '../errors.js';

/** Building or checking dashboards failed; exit 1 unless the caller says otherwise. */
export class DashboardError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_DASHBOARDS', ...options });
  }
}
