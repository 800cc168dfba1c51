// What every aibench dashboard shares: uid, tags, time range now-30m..now, refresh, common variables.
import { DashboardBuilder, DashboardCursorSync } from '@grafana/grafana-foundation-sdk/dashboard';
import { commonVariables } from './variables.js';

const DEFAULT_TIME = { from: 'now-30m', to: 'now' } as const;

/** A dashboard with aibench's defaults and the prometheus, loki, service_id and job_id variables. */
export function baseDashboard(uid: string, title: string, description: string): DashboardBuilder {
  const dashboard = new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['aibench'])
    .time(DEFAULT_TIME)
    .timezone('browser')
    .refresh('30s')
    .tooltip(DashboardCursorSync.Crosshair)
    .editable();
  for (const variable of commonVariables()) dashboard.withVariable(variable);
  return dashboard;
}
