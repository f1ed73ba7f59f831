# shellcheck shell=bash
# Background processes of the stack: start detached with a pid file and a log, probe, stop by pid.
# Each process runs in its own session (setsid) under a tiny bash wrapper that records its exit code in
# .stack/pids/<name>.exit, so tests can check that a service exits with 0 on SIGTERM.

say() { printf '%s\n' "$*" >&2; }
step() { printf '==> [%3ss] %s\n' "$SECONDS" "$*" >&2; }
die() {
  printf 'stack: %s\n' "$*" >&2
  exit 1
}

pid_file() { echo "$STACK_PID_DIR/$1.pid"; }
log_file() { echo "$STACK_LOG_DIR/$1.log"; }

# The pid of a part if its process is alive, else nothing (and a non-zero status).
running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(<"$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The pid listening on a local TCP port, if any process visible to us does.
port_owner() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2
}

# Refuses to start a part on a port that something else already holds: the part would die at once with a
# bind error and the cause would be easy to miss. With STACK_RECLAIM_PORTS=1 (CI sets it), a process of an
# older DBay stack (a process whose parent is the launcher below, i.e. started by scripts/stack.sh from
# another checkout) is stopped instead, by its pid: a CI run must not depend on what an earlier run left behind.
ensure_port_free() {
  local part="$1" port="$2" owner="" cmd="" parent="" parent_cmd=""
  port_open "$port" || return 0
  owner="$(port_owner "$port")"
  if [[ -n "$owner" ]]; then
    cmd="$(tr '\0' ' ' <"/proc/$owner/cmdline" 2>/dev/null | cut -c1-160)"
    parent="$(awk '/^PPid:/ { print $2 }' "/proc/$owner/status" 2>/dev/null)"
    [[ -n "$parent" ]] && parent_cmd="$(tr '\0' ' ' <"/proc/$parent/cmdline" 2>/dev/null)"
  fi
  if [[ "${STACK_RECLAIM_PORTS:-0}" == 1 && "$parent_cmd" == *dbay-stack-launcher* ]]; then
    say "    port $port is held by an older DBay stack process (pid $owner: $cmd); stopping it"
    stop_pid "$owner"
    port_open "$port" || return 0
  fi
  die "cannot start $part: port $port is already in use${owner:+ by pid $owner ($cmd)}. Stop that process, or set another port (see README)."
}

# launch NAME DIR -- COMMAND...: start COMMAND in DIR, detached, stdout+stderr appended to the part's log.
# The wrapper writes the real pid, so signals reach the process itself and not the wrapper.
launch() {
  local name="$1" dir="$2"
  shift 3
  local pid_path log_path exit_path
  pid_path="$(pid_file "$name")"
  log_path="$(log_file "$name")"
  exit_path="$STACK_PID_DIR/$name.exit"
  rm -f "$pid_path" "$exit_path"
  printf '\n----- %s: starting %s\n' "$(date -u +%FT%TZ)" "$name" >>"$log_path"
  # setsid -f returns at once; the launcher holds no descriptor of ours (a caller reading our output through
  # a pipe would otherwise wait for the whole stack to stop).
  # shellcheck disable=SC2016
  (cd "$dir" && exec setsid -f bash -c '
      pid_path="$1" exit_path="$2"; shift 2
      "$@" &
      echo $! >"$pid_path"
      wait $!
      echo $? >"$exit_path"' dbay-stack-launcher "$pid_path" "$exit_path" "$@" \
    >>"$log_path" 2>&1 </dev/null)
  local waited=0
  until [[ -s "$pid_path" ]]; do
    sleep 0.05
    ((++waited < 200)) || die "$name did not start (no pid file); see $log_path"
  done
}

# stop_pid PID: SIGTERM, then SIGKILL after STACK_STOP_TIMEOUT_S seconds.
stop_pid() {
  local pid="$1" deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + ${STACK_STOP_TIMEOUT_S:-30}))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "    pid $pid did not exit within ${STACK_STOP_TIMEOUT_S:-30}s of SIGTERM; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
}

# stop_part NAME: stop a part started by launch (no-op when it is not running).
stop_part() {
  local pid
  if pid="$(running_pid "$1")"; then
    stop_pid "$pid"
    # Let the wrapper record the exit code before anyone reads it.
    local waited=0
    while [[ ! -f "$STACK_PID_DIR/$1.exit" ]] && ((waited++ < 50)); do sleep 0.1; done
    say "    stopped $1 (pid $pid, exit code $(cat "$STACK_PID_DIR/$1.exit" 2>/dev/null || echo '?'))"
  fi
  rm -f "$(pid_file "$1")"
}

# wait_healthy NAME PROBE...: run PROBE until it succeeds; fail naming the part and its log when the
# process dies or STACK_START_TIMEOUT_S passes.
wait_healthy() {
  local name="$1"
  shift
  local deadline=$((SECONDS + STACK_START_TIMEOUT_S))
  until "$@" >/dev/null 2>&1; do
    if ! running_pid "$name" >/dev/null; then
      tail -n 20 "$(log_file "$name")" >&2 || true
      die "$name exited during start-up; see its log: $(log_file "$name")"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 20 "$(log_file "$name")" >&2 || true
      die "$name was not healthy after ${STACK_START_TIMEOUT_S}s; see its log: $(log_file "$name")"
    fi
    sleep 0.5
  done
}

http_ok() { curl -fsS -o /dev/null --max-time 3 "$1"; }
