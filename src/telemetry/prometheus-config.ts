// Text for `aibench telemetry prometheus-config`: what the central Prometheus needs to receive
// the agents' data through either sink.

/** A scrape job for the Pushgateway (honor_labels keeps the agents' instance/job labels) and the receiver flags. */
export function renderPrometheusConfig(opts: { pushgatewayTarget?: string; scrapeInterval?: string } = {}): string {
  const target = opts.pushgatewayTarget ?? '127.0.0.1:9091';
  return `# prometheus.yml: scrape the Pushgateway that the agents push to (through \`aibench tunnel\`)
scrape_configs:
  - job_name: pushgateway
    honor_labels: true   # keep job="aibench_gpu", instance=<node>, slurm_job_id, service_id, via as pushed
    scrape_interval: ${opts.scrapeInterval ?? '15s'}
    static_configs:
      - targets: ['${target}']

# Remote-write (agents started with --remote-write http://<tunnel>:9090/api/v1/write):
# start Prometheus with the receiver on:
#   prometheus --web.enable-remote-write-receiver ...
# Samples spooled during an outage arrive late with their original timestamps; accept them with
storage:
  tsdb:
    out_of_order_time_window: 1h   # at least the longest outage you want back-filled
`;
}
