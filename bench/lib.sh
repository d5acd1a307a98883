# Shared by every bench/*.sh and by tests/attack/lib.sh: the one copy of
# the helpers they all need (stopping a child, a free port, waiting for a
# server to answer) and the load report that says whether a run's figures
# can be trusted. Sourced, not run.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_begin            # prints the load average before the run
#   ...
#   bench_end              # prints it after, and the verdict: quiet or NOISY
#
# A run is NOISY when the 1-minute load average is above 1.0 per core
# (nproc) before or after it: other work shared the CPUs, so ratios and
# times measure the neighbours too. Figures are printed either way;
# docs/benchmarks.md keeps only quiet runs.
# shellcheck shell=bash

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# What die() and the reports call the caller ("bench", "attack").
: "${BENCH_NAME:=bench}"
BENCH_NOISY=0

die() {
  echo "$BENCH_NAME: $*" >&2
  exit 1
}

# scripts/deps.sh, unless SKIP_DEPS=1 (or the older WSP_SKIP_DEPS=1).
bench_deps() {
  [[ ${SKIP_DEPS:-${WSP_SKIP_DEPS:-0}} == 1 ]] || bash "$bench_root/scripts/deps.sh"
}

# stop_pid PID [SECONDS]: SIGTERM, up to SECONDS (5), then SIGKILL; reaps
# it. Empty PID: nothing.
# shellcheck disable=SC2317  # called from EXIT traps
stop_pid() {
  local pid=$1 seconds=${2:-5} i
  [[ -n $pid ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < seconds * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  wait "$pid" 2>/dev/null || true
}

# cpu_ticks PID: user + system CPU ticks (1/CLK_TCK s) PID has used so far,
# every thread included (/proc/PID/stat; the fields after the command's
# closing parenthesis, which a command with spaces cannot shift). A process
# already gone: 0.
cpu_ticks() {
  local stat f
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || {
    echo 0
    return
  }
  stat=${stat##*) }
  read -r -a f <<<"$stat"
  echo $((f[11] + f[12]))
}

# admin_key BIN DATA_DIR LOG: makes an admin API key with every permission
# and its rate limit lifted in a panel's data dir and prints its secret;
# dies with the command's stderr (kept in LOG) when no wsp_ secret came.
admin_key() {
  local bin=$1 data=$2 log=$3 secret
  secret=$("$bin" key create admin --data-dir "$data" --name bench --permissions all \
    --rate-limit 0 2>"$log" | awk 'NF { last = $0 } END { print last }' | tr -d '[:space:]') || true
  [[ $secret == wsp_* ]] || {
    cat "$log" >&2
    die "'$bin key create' printed no wsp_ secret"
  }
  printf '%s\n' "$secret"
}

# nginx_json_conf NGINX DIR PORT BODY WORKERS [TOP_LINE]: writes DIR/nginx.conf
# for nginx answering every path with the JSON text BODY over TLS on
# 127.0.0.1:PORT (a fresh self-signed ECDSA P-256 certificate, the panel's
# kind), WORKERS worker processes, access log off, keep-alive, every path it
# writes inside DIR, its workers kept as the invoking user. TOP_LINE is one
# more main-context directive (e.g. "master_process off;").
nginx_json_conf() {
  local nginx_bin=$1 dir=$2 port=$3 body=$4 workers=$5 top=${6:-} user_line="" nginx_v temp_paths m
  # No '$' (nginx variables) and no single quote (the string's delimiter).
  [[ $body != *"'"* && $body != *'$'* ]] || die "the body cannot be an nginx string"
  openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -keyout "$dir/nginx.key" -out "$dir/nginx.crt" -days 2 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    >"$dir/openssl.log" 2>&1 || {
    cat "$dir/openssl.log" >&2
    die "openssl failed"
  }
  temp_paths="client_body_temp_path $dir/client_body;"
  nginx_v=$("$nginx_bin" -V 2>&1)
  for m in proxy fastcgi uwsgi scgi; do
    [[ $nginx_v == *"--without-http_${m}_module"* ]] && continue
    temp_paths+=$'\n'"    ${m}_temp_path $dir/$m;"
  done
  # As root, nginx would switch its workers to "nobody"; keep them as the
  # invoking user, like the panel (the directive is ignored for non-root).
  [[ $(id -u) -eq 0 ]] && user_line="user $(id -un) $(id -gn);"
  cat >"$dir/nginx.conf" <<EOF
daemon off;
$top
$user_line
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;

events {
    worker_connections 4096;
}

http {
    access_log off;
    $temp_paths

    keepalive_requests 100000;
    keepalive_timeout 65s;

    server {
        listen 127.0.0.1:$port ssl;
        ssl_certificate $dir/nginx.crt;
        ssl_certificate_key $dir/nginx.key;
        ssl_protocols TLSv1.2 TLSv1.3;

        location / {
            default_type application/json;
            return 200 '$body';
        }
    }
}
EOF
}

# A free TCP port on 127.0.0.1 (bound, then released).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_up NAME PID URL LOG [SECONDS]: polls URL (any scheme; certificates
# not checked) until it answers 2xx; dies with LOG's tail if PID exits or
# SECONDS (20) pass.
wait_up() {
  local name=$1 pid=$2 url=$3 log=$4 seconds=${5:-20} i
  for ((i = 0; i < seconds * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$BENCH_NAME: $name exited during start-up; its log:" >&2
      tail -40 "$log" >&2 || true
      exit 1
    fi
    curl -ksf -o /dev/null --max-time 1 "$url" && return 0
    sleep 0.1
  done
  echo "$BENCH_NAME: $name did not answer $url within $seconds s; its log:" >&2
  tail -40 "$log" >&2 || true
  exit 1
}

# wait_component NAME PID HEALTH_URL COMPONENT [SECONDS]: as wait_up, until
# GET HEALTH_URL reports COMPONENT "up" (MariaDB, the FTP server, ...).
wait_component() {
  local name=$1 pid=$2 url=$3 component=$4 seconds=${5:-20} i
  for ((i = 0; i < seconds * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
    curl -ksf --max-time 1 "$url" 2>/dev/null | grep -q "\"$component\":\"up\"" && return 0
    sleep 0.1
  done
  die "$name: $component not up within $seconds s"
}

# wait_idle NAME PID HEALTH_URL: until GET HEALTH_URL reports every
# component "up" (MariaDB, the FTP server, ...; each started on its own
# thread), then one second more: the panel has released its start-up pages
# (src/app/serve.cpp checks every 250 ms), so what follows measures an idle
# panel, not the end of its start.
wait_idle() {
  local name=$1 pid=$2 url=$3 _
  for _ in $(seq 1 240); do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
    curl -ks --max-time 2 "$url" |
      python3 -c 'import json,sys; c=json.load(sys.stdin).get("components",{}); sys.exit(0 if c and all(v=="up" for v in c.values()) else 1)' \
      2>/dev/null && break
    sleep 0.5
  done
  sleep 1
}

# bench_load WHEN: prints the load average and marks the run NOISY when the
# 1-minute figure is above 1.0 per core.
bench_load() {
  local when=$1 one five fifteen cores
  read -r one five fifteen _ </proc/loadavg
  cores=$(nproc)
  if python3 -c "import sys; sys.exit(0 if $one > $cores else 1)"; then
    BENCH_NOISY=1
    echo "load average $when: $one $five $fifteen on $cores cores (above 1.0 per core)"
  else
    echo "load average $when: $one $five $fifteen on $cores cores"
  fi
}

bench_begin() {
  bench_load "before the run"
}

bench_end() {
  bench_load "after the run"
  if ((BENCH_NOISY)); then
    echo "run: NOISY (1-minute load above 1.0 per core before or after); rerun on a quiet machine before quoting these figures"
  else
    echo "run: quiet (1-minute load at most 1.0 per core before and after)"
  fi
}
