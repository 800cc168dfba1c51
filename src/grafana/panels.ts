// Small panel constructors over the foundation SDK: one look for time series, logs, tables, stats.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  LegendDisplayMode, LegendPlacement, LogsDedupStrategy, LogsSortOrder, SortOrder, TooltipDisplayMode,
  VizLegendOptionsBuilder, VizTooltipOptionsBuilder, type DataSourceRef,
} from '@grafana/grafana-foundation-sdk/common';
import type { DataTransformerConfig } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as LogsPanel } from '@grafana/grafana-foundation-sdk/logs';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { JOB_LOG_SELECTOR, loki } from './queries.js';
import { LOKI, PROMETHEUS } from './variables.js';

type Query = cog.Builder<cog.Dataquery>;

/** A time series panel with a table legend (last, max) and a shared tooltip. */
export function timeseries(title: string, unit: string, targets: Query[], description?: string): TimeseriesPanel {
  const panel = new TimeseriesPanel()
    .title(title)
    .datasource(PROMETHEUS)
    .unit(unit)
    .targets(targets)
    .legend(new VizLegendOptionsBuilder().displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Bottom).showLegend(true).calcs(['lastNotNull', 'max']))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
  return description === undefined ? panel : panel.description(description);
}

/** The Slurm job log of the selected service (Loki). */
export function jobLogs(title: string): LogsPanel {
  return new LogsPanel()
    .title(title)
    .datasource(LOKI)
    .targets([loki('A', JOB_LOG_SELECTOR)])
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(LogsSortOrder.Descending)
    .dedupStrategy(LogsDedupStrategy.None)
    .description('Slurm job output shipped to Loki with stream labels job="slurm", slurm_job_id (see dashboards/README.md)');
}

/** A table over instant queries, merged into one row per label set. */
export function table(title: string, targets: Query[], transformations: DataTransformerConfig[], datasource: DataSourceRef = PROMETHEUS): TablePanel {
  return new TablePanel().title(title).datasource(datasource).targets(targets).transformations(transformations);
}

/** A single big number. */
export function stat(title: string, unit: string, targets: Query[]): StatPanel {
  return new StatPanel().title(title).datasource(PROMETHEUS).unit(unit).targets(targets);
}
