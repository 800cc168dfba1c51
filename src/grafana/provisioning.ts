// Grafana provisioning files generated next to the dashboards, so dashboards/ drops into Grafana as is.
import { stringify } from 'yaml';

/** Where the provider expects the JSON inside the Grafana container/host (README says how to change it). */
const DASHBOARDS_PATH = '/etc/grafana/dashboards/aibench';

/** datasources/aibench.yaml: Prometheus and Loki, URLs from the environment Grafana runs with. */
export function datasourcesYaml(): string {
  return stringify({
    apiVersion: 1,
    datasources: [
      { name: 'Prometheus', type: 'prometheus', uid: 'aibench-prometheus', access: 'proxy', url: '$AIBENCH_PROMETHEUS_URL', isDefault: true, jsonData: { timeInterval: '15s' } },
      { name: 'Loki', type: 'loki', uid: 'aibench-loki', access: 'proxy', url: '$AIBENCH_LOKI_URL', jsonData: { maxLines: 1000 } },
    ],
  });
}

/** dashboards/aibench.yaml: a file provider for the generated JSON. */
export function dashboardProviderYaml(): string {
  return stringify({
    apiVersion: 1,
    providers: [
      {
        name: 'aibench', orgId: 1, folder: 'aibench', folderUid: 'aibench', type: 'file', disableDeletion: false,
        allowUiUpdates: false, updateIntervalSeconds: 30, options: { path: DASHBOARDS_PATH, foldersFromFilesStructure: false },
      },
    ],
  });
}
