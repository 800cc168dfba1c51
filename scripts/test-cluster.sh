#!/usr/bin/env bash
# Real test cluster on loopback for aibench's integration tests: munged + slurmctld + slurmd,
# sshd, Prometheus Pushgateway and Prometheus, each with its own config, state, logs and PID
# file under one directory (${AIBENCH_TC_DIR:-/tmp/aibench-tc}). `down` stops only the PIDs
# recorded there; system daemons (munge, ssh, prometheus on their default ports) are never used
# or touched.
#
#   scripts/test-cluster.sh up|down|status|env [--json]
#
# Ports (override with the environment; use the same values for every subcommand):
#   AIBENCH_TC_SSH_PORT=22222 AIBENCH_TC_PUSHGATEWAY_PORT=29091 AIBENCH_TC_PROMETHEUS_PORT=29090
#   AIBENCH_TC_SLURMCTLD_PORT=26817 AIBENCH_TC_SLURMD_PORT=26818
set -euo pipefail
umask 022

DIR=${AIBENCH_TC_DIR:-/tmp/aibench-tc}
case $DIR in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DIR=${DIR%/}

SSH_PORT=${AIBENCH_TC_SSH_PORT:-22222}
PGW_PORT=${AIBENCH_TC_PUSHGATEWAY_PORT:-29091}
PROM_PORT=${AIBENCH_TC_PROMETHEUS_PORT:-29090}
CTLD_PORT=${AIBENCH_TC_SLURMCTLD_PORT:-26817}
SLURMD_PORT=${AIBENCH_TC_SLURMD_PORT:-26818}
PARTITION=debug
NODE=$(hostname -s)

MUNGE_SOCKET="$DIR/munge/munge.socket"
SLURM_CONF_PATH="$DIR/slurm/slurm.conf"
SSH_KEY="$DIR/ssh/id_ed25519"
KNOWN_HOSTS="$DIR/ssh/known_hosts"
CONFIG_PATH="$DIR/config.yaml"
PGW_URL="http://127.0.0.1:$PGW_PORT"
PROM_URL="http://127.0.0.1:$PROM_PORT"
COMPONENTS=(munge slurmctld slurmd sshd pushgateway prometheus)
export SLURM_CONF="$SLURM_CONF_PATH"

log() { printf 'test-cluster: %s\n' "$*" >&2; }

# Print the last lines of each log file named, then exit 1.
fail() {
  local msg=$1
  shift
  log "ERROR: $msg"
  local f
  for f in "$@"; do
    [[ -f $f ]] || continue
    printf -- '--- tail of %s ---\n' "$f" >&2
    tail -n 40 "$f" >&2 || true
  done
  exit 1
}

# Poll a command until it succeeds or the timeout (seconds) passes.
wait_for() {
  local timeout=$1
  shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.3
  done
}

pid_file() {
  case $1 in
    munge) echo "$DIR/munge/munged.pid" ;;
    slurmctld) echo "$DIR/slurm/slurmctld.pid" ;;
    slurmd) echo "$DIR/slurm/slurmd.pid" ;;
    sshd) echo "$DIR/ssh/sshd.pid" ;;
    pushgateway) echo "$DIR/pushgateway/pushgateway.pid" ;;
    prometheus) echo "$DIR/prometheus/prometheus.pid" ;;
  esac
}

log_files() {
  case $1 in
    munge) echo "$DIR/munge/munged.log" ;;
    slurmctld) echo "$DIR/slurm/slurmctld.log $DIR/slurm/slurmctld.out" ;;
    slurmd) echo "$DIR/slurm/slurmd.log $DIR/slurm/slurmd.out" ;;
    sshd) echo "$DIR/ssh/sshd.log" ;;
    pushgateway) echo "$DIR/pushgateway/pushgateway.log" ;;
    prometheus) echo "$DIR/prometheus/prometheus.log" ;;
  esac
}

# The recorded PID of a component, if that process is alive and is ours (its command line
# names $DIR: guards against a reused PID and against ever signalling a system daemon).
our_pid() {
  local f pid
  f=$(pid_file "$1")
  [[ -f $f ]] || return 1
  pid=$(tr -dc '0-9' <"$f")
  [[ -n $pid ]] && running "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DIR/" || return 1
  echo "$pid"
}

# kill -0 also succeeds on a zombie, and PID 1 in a container may be slow to reap one.
running() {
  kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

node_state() { sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null | head -n1; }

# Whether a component answers (not just whether its process exists).
answers() {
  case $1 in
    munge) munge -n -S "$MUNGE_SOCKET" 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1 ;;
    slurmctld) scontrol ping 2>/dev/null | grep -q 'is UP' ;;
    slurmd) [[ $(node_state) =~ ^(idle|mixed|allocated|completing)$ ]] ;;
    sshd) [[ $(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SSH_PORT; head -c 4 <&3" 2>/dev/null) == SSH- ]] ;;
    pushgateway) curl -fsS -m 2 "$PGW_URL/-/ready" >/dev/null 2>&1 ;;
    prometheus) curl -fsS -m 2 "$PROM_URL/-/ready" >/dev/null 2>&1 ;;
  esac
}

# ---------------------------------------------------------------- install

need_packages() {
  local pkg missing=()
  # chromium: the control API's browser test drives Debian's headless Chromium (never a downloaded one).
  for pkg in munge slurm-wlm openssh-server openssh-client prometheus prometheus-pushgateway curl chromium; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]} (apt-get)"
  # Keep postinst scripts from starting system daemons (harmless if they do: we use our own
  # ports and sockets), unless the machine already has a policy.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" && made_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >&2 || rc=$?
  ((made_policy)) && rm -f "$policy"
  ((rc == 0)) || fail "apt-get install ${missing[*]} failed (exit $rc)"
}

# ---------------------------------------------------------------- configs

# Write stdin to a file only when the content differs (keeps `up` on a running cluster a no-op).
write_if_changed() {
  local dest=$1 tmp
  tmp=$(mktemp "$dest.XXXXXX")
  cat >"$tmp"
  chmod 0644 "$tmp" # mktemp makes 0600
  if [[ -f $dest ]] && cmp -s "$tmp" "$dest"; then rm -f "$tmp"; return 0; fi
  [[ -f $dest ]] && CHANGED+=("$dest")
  mv -f "$tmp" "$dest"
}
CHANGED=()

# A running daemon whose config this `up` rewrote (a newer script) reloads it.
reload_changed() {
  local f pid
  for f in "${CHANGED[@]}"; do
    case $f in
      "$SLURM_CONF_PATH")
        our_pid slurmctld >/dev/null && { log "slurm.conf changed: scontrol reconfigure"; scontrol reconfigure >&2 || true; } ;;
      "$DIR/ssh/sshd_config")
        pid=$(our_pid sshd) && { log "sshd_config changed: reloading sshd"; kill -HUP "$pid"; } ;;
      "$DIR/prometheus/prometheus.yml")
        our_pid prometheus >/dev/null && { log "prometheus.yml changed: reloading"; curl -fsS -X POST "$PROM_URL/-/reload" >&2 || true; } ;;
    esac
  done
}

write_munge_key() {
  local key="$DIR/munge/munge.key"
  [[ -s $key ]] && return 0
  if command -v mungekey >/dev/null; then
    mungekey -c -k "$key" -b 1024 >&2
  else
    dd if=/dev/urandom of="$key" bs=128 count=1 status=none
  fi
  chmod 0400 "$key"
}

write_slurm_conf() {
  # CPUs above the real count (config_overrides keeps the node from draining) plus FORCE
  # oversubscription: tests run services and benchmarks as concurrent jobs on one small machine.
  local cpus mem comm='#CommunicationParameters=NoCtldInAddrAny,NoInAddrAny' first
  # Those bind to whatever this host's name resolves to: loopback only when that is 127.x
  # (else slurmd would listen on an address slurmctld does not use: keep INADDR_ANY).
  first=$(getent ahostsv4 "$(hostname)" 2>/dev/null | awk 'NR == 1 { print $1 }')
  [[ $first == 127.* ]] && comm=${comm#\#}
  cpus=$(nproc)
  ((cpus < 16)) && cpus=16
  mem=$(awk '/^MemTotal:/ { m = int($2 / 1024 * 0.9); print (m > 1024 ? m : 1024) }' /proc/meminfo)
  write_if_changed "$SLURM_CONF_PATH" <<EOF
# Generated by scripts/test-cluster.sh; one-node test cluster on loopback.
ClusterName=aibenchtc
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
StateSaveLocation=$DIR/slurm/state
SlurmdSpoolDir=$DIR/slurm/spool
SlurmctldPidFile=$DIR/slurm/slurmctld.pid
SlurmdPidFile=$DIR/slurm/slurmd.pid
SlurmctldLogFile=$DIR/slurm/slurmctld.log
SlurmdLogFile=$DIR/slurm/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SlurmdParameters=config_overrides
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
# Start jobs within ~1s of submission (defaults batch jobs up to 3s, backfill every 30s).
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
OverTimeLimit=0
KillWait=10
MinJobAge=600
InactiveLimit=0
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
$comm
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8
EOF
}

write_ssh_files() {
  local s="$DIR/ssh"
  [[ -s $s/ssh_host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -C aibench-tc-host -f "$s/ssh_host_ed25519_key"
  [[ -s $SSH_KEY ]] || ssh-keygen -q -t ed25519 -N '' -C aibench-tc -f "$SSH_KEY"
  write_if_changed "$s/authorized_keys" <"$SSH_KEY.pub"
  chmod 0600 "$s/authorized_keys"
  printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$s/ssh_host_ed25519_key.pub")" |
    write_if_changed "$KNOWN_HOSTS"
  write_if_changed "$s/sshd_config" <<EOF
# Generated by scripts/test-cluster.sh
ListenAddress 127.0.0.1:$SSH_PORT
HostKey $s/ssh_host_ed25519_key
PidFile $s/sshd.pid
AuthorizedKeysFile $s/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
GatewayPorts clientspecified
AllowTcpForwarding yes
# sshd drops the client's environment; Slurm commands in SSH sessions need SLURM_CONF. SHLVL=1:
# bash sources ~/.bashrc for a command sshd runs only at shell level 1, so the commands run without
# this machine's dotfiles (root's may run pyenv init, ~0.1 s a command, whose rehash lock, left by a
# killed shell, stalls every later command 60 s), the same on every machine the suite runs on.
SetEnv SLURM_CONF=$SLURM_CONF_PATH SHLVL=1
ClientAliveInterval 5
MaxStartups 100:30:200
MaxSessions 100
LogLevel VERBOSE
Subsystem sftp internal-sftp
EOF
}

write_prometheus_config() {
  write_if_changed "$DIR/prometheus/prometheus.yml" <<EOF
# Generated by scripts/test-cluster.sh
global:
  scrape_interval: 2s
  evaluation_interval: 2s
storage:
  tsdb:
    # Remote-write may back-fill samples older than the head (a spool drained after an outage).
    out_of_order_time_window: 1h
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:$PGW_PORT']
  # Tests add targets (e.g. a simulator's /metrics) by dropping JSON files here.
  - job_name: targets
    file_sd_configs:
      - files: ['$DIR/prometheus/targets/*.json']
        refresh_interval: 2s
EOF
}

write_aibench_config() {
  local paths="{ state_dir: $DIR/state, hf_home: $DIR/hf, hf_hub_cache: $DIR/hf/hub }"
  write_if_changed "$CONFIG_PATH" <<EOF
# Generated by scripts/test-cluster.sh: aibench config for the test cluster.
default_cluster: tc-local
clusters:
  tc-local:
    executor: local
    slurm: { partition: $PARTITION }
    paths: $paths
  tc-ssh:
    executor: ssh
    ssh:
      host: 127.0.0.1
      port: $SSH_PORT
      user: root
      identity_file: $SSH_KEY
      known_hosts_file: $KNOWN_HOSTS
      agent: false
    slurm: { partition: $PARTITION }
    paths: $paths
EOF
}

write_configs() {
  mkdir -p "$DIR"/{munge,slurm/state,slurm/spool,ssh,pushgateway,prometheus/data,prometheus/targets,state,hf/hub} /run/sshd
  chmod 0755 "$DIR" "$DIR/munge" # munged wants its socket directory executable by all
  chmod 0700 "$DIR/ssh"
  write_munge_key
  write_slurm_conf
  write_ssh_files
  write_prometheus_config
  write_aibench_config
}

# ---------------------------------------------------------------- start

# Run a foreground server detached, stdio to its log (a held pipe would hang our caller).
spawn() {
  local pidf=$1 logf=$2
  shift 2
  setsid "$@" </dev/null >>"$logf" 2>&1 9>&- &
  echo $! >"$pidf"
}

start() {
  local c=$1
  case $c in
    munge)
      munged --socket="$MUNGE_SOCKET" --key-file="$DIR/munge/munge.key" \
        --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" \
        --seed-file="$DIR/munge/munged.seed" </dev/null >>"$DIR/munge/munged.log" 2>&1 9>&- ;;
    slurmctld) slurmctld -f "$SLURM_CONF_PATH" </dev/null >>"$DIR/slurm/slurmctld.out" 2>&1 9>&- ;;
    slurmd) slurmd -f "$SLURM_CONF_PATH" </dev/null >>"$DIR/slurm/slurmd.out" 2>&1 9>&- ;;
    sshd)
      /usr/sbin/sshd -t -f "$DIR/ssh/sshd_config" 2>>"$DIR/ssh/sshd.log" || return 1
      /usr/sbin/sshd -f "$DIR/ssh/sshd_config" -E "$DIR/ssh/sshd.log" </dev/null >/dev/null 2>&1 9>&- ;;
    pushgateway)
      local admin=()
      prometheus-pushgateway --help 2>&1 | grep -q -- '--web.enable-admin-api' && admin=(--web.enable-admin-api)
      spawn "$(pid_file pushgateway)" "$DIR/pushgateway/pushgateway.log" prometheus-pushgateway \
        --web.listen-address="127.0.0.1:$PGW_PORT" --web.enable-lifecycle "${admin[@]}" \
        --persistence.file="$DIR/pushgateway/pushgateway.data" --persistence.interval=5s ;;
    prometheus)
      spawn "$(pid_file prometheus)" "$DIR/prometheus/prometheus.log" prometheus \
        --config.file="$DIR/prometheus/prometheus.yml" --storage.tsdb.path="$DIR/prometheus/data" \
        --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$PROM_PORT" \
        --web.enable-remote-write-receiver --web.enable-admin-api --web.enable-lifecycle ;;
  esac
}

component_port() {
  case $1 in
    slurmctld) echo "$CTLD_PORT" ;; slurmd) echo "$SLURMD_PORT" ;; sshd) echo "$SSH_PORT" ;;
    pushgateway) echo "$PGW_PORT" ;; prometheus) echo "$PROM_PORT" ;; *) echo '' ;;
  esac
}

# Start one component unless it is already ours and answering; STARTED=1 when it was started.
STARTED=0
ensure() {
  local c=$1 pid port logs=()
  STARTED=0
  read -ra logs <<<"$(log_files "$c")"
  if pid=$(our_pid "$c"); then
    # Alive: give it a moment (it may still be starting), then leave it alone.
    wait_for 30 answers "$c" || fail "$c (pid $pid) is running but does not answer" "${logs[@]}"
    log "$c: already up (pid $pid)"
    return 0
  fi
  rm -f "$(pid_file "$c")"
  port=$(component_port "$c")
  if [[ -n $port ]] && port_open "$port"; then
    command -v ss >/dev/null && ss -ltnp "sport = :$port" >&2
    fail "$c: port 127.0.0.1:$port is in use by a process not recorded in $DIR (stop it, or set AIBENCH_TC_*_PORT)"
  fi
  start "$c" || fail "$c failed to start" "${logs[@]}"
  wait_for 60 our_pid "$c" || fail "$c did not write its PID file $(pid_file "$c")" "${logs[@]}"
  wait_for 90 answers "$c" || fail "$c started (pid $(our_pid "$c" || echo '?')) but does not answer" "${logs[@]}"
  log "$c: started (pid $(our_pid "$c"))"
  STARTED=1
}

# ReturnToService=2 brings a DOWN node back when slurmd registers; a DRAIN needs a resume.
wait_node_ready() {
  local deadline=$((SECONDS + 60)) resumed=0 state
  while ((SECONDS < deadline)); do
    state=$(node_state)
    [[ $state =~ ^(idle|mixed|allocated)$ ]] && return 0
    if ((!resumed)) && [[ $state =~ drain|down ]]; then
      scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true
      resumed=1
    fi
    sleep 0.5
  done
  fail "node $NODE not idle after 60s (state: ${state:-none})" "$DIR/slurm/slurmctld.log" "$DIR/slurm/slurmd.log"
}

verify_slurm_job() {
  local out="$DIR/slurm/verify.out" id state deadline=$((SECONDS + 60))
  rm -f "$out"
  id=$(sbatch --parsable -J tc-verify -o "$out" --wrap 'echo ok') || fail "sbatch failed" "$DIR/slurm/slurmctld.log"
  while ((SECONDS < deadline)); do
    state=$(scontrol show job "$id" -o 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 || true)
    case $state in
      COMPLETED) [[ $(cat "$out" 2>/dev/null) == ok ]] && { log "slurm: test job $id completed"; return 0; } ;;
      FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE)
        fail "test job $id ended $state" "$DIR/slurm/slurmctld.log" "$DIR/slurm/slurmd.log" ;;
    esac
    sleep 0.3
  done
  fail "test job $id not completed after 60s (state: ${state:-unknown})" "$DIR/slurm/slurmctld.log" "$DIR/slurm/slurmd.log"
}

verify_ssh() {
  ssh -i "$SSH_KEY" -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile="$KNOWN_HOSTS" \
    -o StrictHostKeyChecking=yes -o ConnectTimeout=10 -p "$SSH_PORT" root@127.0.0.1 'sinfo -h' >/dev/null 2>>"$DIR/ssh/ssh-client.log" ||
    fail "ssh root@127.0.0.1:$SSH_PORT 'sinfo -h' failed" "$DIR/ssh/ssh-client.log" "$DIR/ssh/sshd.log"
  log "sshd: ssh root@127.0.0.1:$SSH_PORT 'sinfo' ok"
}

# One up/down at a time per directory (two test runs starting together). Daemons are started
# with fd 9 closed: one that inherited it would hold the lock for its whole life.
lock_dir() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 300 9 || fail "another test-cluster.sh has held $DIR/.lock for 300s (see fuser $DIR/.lock)"
}

cmd_up() {
  ((EUID == 0)) || fail "up needs root (apt-get, and Slurm runs with SlurmUser=root); run it as root"
  local t0=$SECONDS slurm_started=0
  lock_dir
  need_packages
  write_configs
  reload_changed
  ensure munge
  ensure slurmctld
  slurm_started=$STARTED
  ensure slurmd
  slurm_started=$((slurm_started | STARTED))
  wait_node_ready
  if ((slurm_started)); then verify_slurm_job; fi
  ensure sshd
  if ((STARTED)); then verify_ssh; fi
  ensure pushgateway
  ensure prometheus
  log "up in $((SECONDS - t0))s; dir $DIR; config $CONFIG_PATH"
}

# ---------------------------------------------------------------- stop

stop_component() {
  local c=$1 pid i
  if ! pid=$(our_pid "$c"); then
    rm -f "$(pid_file "$c")"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    running "$pid" || break
    sleep 0.2
  done
  if running "$pid"; then
    log "$c: pid $pid ignored TERM; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$c")"
  log "$c: stopped (pid $pid)"
}

cmd_down() {
  local i
  [[ -d $DIR ]] || return 0
  lock_dir
  if our_pid slurmctld >/dev/null; then
    scancel --user=root >/dev/null 2>&1 || true
    for ((i = 0; i < 50; i++)); do
      [[ -z $(squeue -h -t running,completing,pending -o '%i' 2>/dev/null) ]] && break
      sleep 0.2
    done
  fi
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    stop_component "${COMPONENTS[i]}"
  done
}

# ---------------------------------------------------------------- status / env

cmd_status() {
  local c pid down=0
  for c in "${COMPONENTS[@]}"; do
    if pid=$(our_pid "$c") && answers "$c"; then
      printf '%-12s up    pid %s\n' "$c" "$pid"
    else
      printf '%-12s down\n' "$c"
      down=1
    fi
  done
  return "$down"
}

json_str() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

cmd_env() {
  if [[ ${1:-} == --json ]]; then
    printf '{"dir":%s,"configPath":%s,"slurmConf":%s,"sshHost":"127.0.0.1","sshPort":%d,"sshUser":"root",' \
      "$(json_str "$DIR")" "$(json_str "$CONFIG_PATH")" "$(json_str "$SLURM_CONF_PATH")" "$SSH_PORT"
    printf '"sshKey":%s,"knownHosts":%s,"pushgatewayUrl":%s,"prometheusUrl":%s,' \
      "$(json_str "$SSH_KEY")" "$(json_str "$KNOWN_HOSTS")" "$(json_str "$PGW_URL")" "$(json_str "$PROM_URL")"
    printf '"stateDir":%s,"hfHome":%s,"partition":%s}\n' \
      "$(json_str "$DIR/state")" "$(json_str "$DIR/hf")" "$(json_str "$PARTITION")"
    return 0
  fi
  printf 'AIBENCH_TC_DIR=%q\n' "$DIR"
  printf 'SLURM_CONF=%q\n' "$SLURM_CONF_PATH"
  printf 'AIBENCH_TC_SSH_PORT=%q\n' "$SSH_PORT"
  printf 'AIBENCH_TC_SSH_KEY=%q\n' "$SSH_KEY"
  printf 'AIBENCH_TC_KNOWN_HOSTS=%q\n' "$KNOWN_HOSTS"
  printf 'AIBENCH_TC_PUSHGATEWAY_URL=%q\n' "$PGW_URL"
  printf 'AIBENCH_TC_PROMETHEUS_URL=%q\n' "$PROM_URL"
  printf 'AIBENCH_TC_STATE_DIR=%q\n' "$DIR/state"
  printf 'AIBENCH_TC_HF_HOME=%q\n' "$DIR/hf"
  printf 'AIBENCH_CONFIG=%q\n' "$CONFIG_PATH"
}

usage() {
  echo "usage: $0 up|down|status|env [--json]" >&2
  exit 2
}

main() {
  (($# >= 1)) || usage
  local cmd=$1
  shift
  case $cmd in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env "$@" ;;
    -h | --help | help) usage ;;
    *) log "unknown subcommand: $cmd (expected up, down, status or env)"; usage ;;
  esac
}

main "$@"
