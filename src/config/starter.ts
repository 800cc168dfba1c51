// The commented starter file written by `aibench config init`. Kept as text (not generated from
// the schema) so the comments explain each key; a unit test checks it validates.

/** Starter config text. */
export const STARTER_CONFIG = `# aibench config (see \`aibench config show\` for the effective values).
# Paths on SSH clusters must be absolute and shared between the login node and compute nodes.

# Which cluster commands use when --cluster is not given. "local" is built in.
default_cluster: local

# How long \`aibench service models\` answers from its cache (seconds).
models_cache_ttl_s: 300

# Prometheus file_sd: a LOCAL directory (on this machine, the monitoring host) where aibench writes
# aibench-<service_id>.json when a service is READY and removes it when the service stops. The
# target is the compute node's host:port, so Prometheus must reach compute nodes directly.
# monitoring:
#   targets_dir: /etc/prometheus/aibench-targets

clusters:
  # Run Slurm commands on this machine (it must be a Slurm submit host).
  local:
    executor: local
    slurm:
      partition: gpu          # default partition for jobs
      # account: myproject
      # gres: gpu:1
    paths:
      # state_dir: ~/.local/state/aibench   # default for local clusters
      hf_home: /shared/huggingface          # exported as HF_HOME to every job
      # hf_hub_cache: /shared/huggingface/hub  # HUGGINGFACE_HUB_CACHE and HF_HUB_CACHE
    hf_offline: false          # true exports HF_HUB_OFFLINE=1 to jobs
    # hf_token_file: ~/.config/aibench/hf_token   # must be mode 0600; read by jobs, never copied
    vllm_command: vllm serve   # or: aibench sim  (the simulator, no GPU needed)
    setup: []                  # lines run before the command, e.g. ["module load cuda/12.4"]
    aibench_command: aibench   # how compute nodes run aibench (e.g. node /opt/aibench/bin/aibench.js)
    # \`service start --telemetry\` runs the GPU agent inside the job; URLs as compute nodes reach them
    # (e.g. the login node's end of \`aibench tunnel\`), without user:password@.
    telemetry:
      # pushgateway_url: http://login1:9091
      # remote_write_url: http://login1:9090/api/v1/write
      interval_s: 5            # sampling interval, seconds

  # Reach a login node over SSH. Host may be an alias from ~/.ssh/config
  # (HostName, User, Port, IdentityFile and ProxyJump are honoured).
  # hpc:
  #   executor: ssh
  #   ssh:
  #     host: login.hpc.example.org
  #     user: alice
  #     # port: 22
  #     # identity_file: ~/.ssh/id_ed25519
  #     # agent: true                      # use $SSH_AUTH_SOCK
  #     # known_hosts_file: ~/.ssh/known_hosts
  #     # strict_host_key_checking: yes    # or accept-new (trust on first use)
  #     # proxy_jump: bastion.example.org
  #   slurm:
  #     partition: gpu
  #     account: myproject
  #   paths:
  #     state_dir: /shared/aibench
  #     hf_home: /shared/huggingface
`;
