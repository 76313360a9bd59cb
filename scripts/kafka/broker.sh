#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, broker+controller in one JVM) for development and CI, run from jars that
# Maven fetches once into a cache: no Docker, no Kafka install. Java 17+ and Maven are the only requirements.
#
# Usage: scripts/kafka/broker.sh <command>
#   start [--no-wait]  fetch the jars if needed, format the data dir if empty, start the broker in the background and
#                      wait until it answers (not with --no-wait); a no-op when this data dir's broker already runs
#   wait               block until the running broker answers (KAFKA_WAIT_TIMEOUT), else print the log tail and fail
#   stop               SIGTERM (controlled shutdown), then SIGKILL after KAFKA_STOP_TIMEOUT; a no-op when stopped
#   restart            stop then start; the data (topics, offsets) is kept
#   status             exit 0 and print KAFKA_BROKERS=... when running, exit 3 when stopped
#   reset              stop and delete the data dir (next start formats a fresh cluster)
#   logs [N]           the last N (default 50) lines of the broker log
# stdout carries only KAFKA_BROKERS=host:port lines; progress and errors go to stderr.
#
# Environment (all optional):
#   KAFKA_DATA_DIR        data dir: storage, config, logs, pid file  (default /tmp/roster-kafka)
#   KAFKA_PORT            client port on 127.0.0.1  (default: the port the data dir was formatted with, else 19092)
#   KAFKA_CONTROLLER_PORT KRaft controller port     (default KAFKA_PORT + 1)
#   ROSTER_CACHE          cache root (default ~/.cache/roster); the jars go to $ROSTER_CACHE/kafka-<version>
#   KAFKA_HEAP            JVM heap, -Xms and -Xmx (default 512m); KAFKA_JAVA_OPTS adds JVM options
#   KAFKA_WAIT_TIMEOUT    seconds `start`/`wait` wait for the broker to answer (default 90)
#   KAFKA_STOP_TIMEOUT    seconds `stop` waits after SIGTERM before SIGKILL (default 30)
set -euo pipefail

readonly KAFKA_VERSION=4.1.1
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly CACHE_DIR="${ROSTER_CACHE:-$HOME/.cache/roster}/kafka-$KAFKA_VERSION"
readonly JARS="$CACHE_DIR/lib/*"
DATA_DIR="${KAFKA_DATA_DIR:-/tmp/roster-kafka}"
DATA_DIR="${DATA_DIR%/}"
readonly DATA_DIR
readonly PID_FILE="$DATA_DIR/broker.pid"
readonly PORTS_FILE="$DATA_DIR/ports"
readonly MARKER="$DATA_DIR/.roster-kafka"
readonly META_DIR="$DATA_DIR/kraft"
readonly LOG_DIR="$DATA_DIR/logs"
readonly OUT_FILE="$DATA_DIR/broker.out"
readonly CONFIG="$DATA_DIR/server.properties"
readonly WAIT_TIMEOUT="${KAFKA_WAIT_TIMEOUT:-90}"
readonly STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
readonly JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Put on the broker's command line so that a pid is only trusted when it is this data dir's broker.
readonly TAG="-Droster.kafka.dataDir=$DATA_DIR"

log() { echo "kafka: $*" >&2; }
die() {
  log "$*"
  exit 1
}

# The ports are fixed when the data dir is formatted: the controller's address is part of the KRaft quorum state.
PORT=
CONTROLLER_PORT=
resolve_ports() {
  local recorded_port='' recorded_controller=''
  [[ -f $PORTS_FILE ]] && read -r recorded_port recorded_controller <"$PORTS_FILE"
  PORT="${KAFKA_PORT:-${recorded_port:-19092}}"
  CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-${recorded_controller:-$((PORT + 1))}}"
  if [[ -n $recorded_port && "$PORT $CONTROLLER_PORT" != "$recorded_port $recorded_controller" ]]; then
    die "$DATA_DIR was formatted for ports $recorded_port/$recorded_controller, not $PORT/$CONTROLLER_PORT:" \
      "use another KAFKA_DATA_DIR, or '$0 reset' first"
  fi
}

print_brokers() { echo "KAFKA_BROKERS=127.0.0.1:$PORT"; }

# One start/stop at a time per data dir (the lock file sits next to it, as `reset` removes the dir itself).
lock() {
  mkdir -p "$(dirname "$DATA_DIR")"
  exec 9>"$DATA_DIR.lock"
  if command -v flock >/dev/null; then flock -w 600 9 || die "timed out waiting for $DATA_DIR.lock"; fi
}

pid_alive() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ -n $state && $state != Z* ]]
}

# Prints the pid of this data dir's broker when it runs; a stale pid file (dead or reused pid) is removed.
running_pid() {
  [[ -f $PID_FILE ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  if [[ -n $pid ]] && pid_alive "$pid" && [[ "$(ps -ww -o args= -p "$pid" 2>/dev/null)" == *"$TAG "*kafka.Kafka* ]]; then
    echo "$pid"
    return 0
  fi
  rm -f "$PID_FILE"
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

java_check() {
  command -v "$JAVA" >/dev/null || die "java not found: Kafka $KAFKA_VERSION needs Java 17+"
  local version major
  version="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  major="${version%%.*}"
  [[ $major =~ ^[0-9]+$ && $major -ge 17 ]] || die "Kafka $KAFKA_VERSION needs Java 17+, found ${version:-unknown}"
}

# The jars are resolved once per version of pom.xml; a half-done fetch never becomes the cache (temp dir, then mv).
ensure_jars() {
  local sum
  sum="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
  [[ -f $CACHE_DIR/pom.sha256 && "$(cat "$CACHE_DIR/pom.sha256")" == "$sum" ]] && return 0
  mkdir -p "$(dirname "$CACHE_DIR")"
  exec 8>"$CACHE_DIR.lock"
  if command -v flock >/dev/null; then flock -w 600 8 || die "timed out waiting for $CACHE_DIR.lock"; fi
  if [[ ! -f $CACHE_DIR/pom.sha256 || "$(cat "$CACHE_DIR/pom.sha256")" != "$sum" ]]; then
    command -v mvn >/dev/null || die "Maven (mvn) is needed once, to fetch the Kafka $KAFKA_VERSION jars"
    log "fetching the Kafka $KAFKA_VERSION jars with Maven into $CACHE_DIR"
    local tmp started=$SECONDS
    tmp="$(mktemp -d "$CACHE_DIR.tmp.XXXXXX")"
    cp "$HERE/pom.xml" "$tmp/"
    # sed: Debian's Maven 3.8 prints colour resets even with -B and --color=never.
    if ! (cd "$tmp" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime 2>&1 |
      sed $'s/\e\\[[0-9;]*m//g' >&2); then
      rm -rf "$tmp"
      die "Maven could not fetch the Kafka jars (see above)"
    fi
    echo "$sum" >"$tmp/pom.sha256"
    rm -rf "$CACHE_DIR"
    mv "$tmp" "$CACHE_DIR"
    log "$(find "$CACHE_DIR/lib" -name '*.jar' | wc -l) jars fetched in $((SECONDS - started))s"
  fi
  exec 8>&-
}

render_config() {
  sed -e "s|@PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@LOG_DIRS@|$META_DIR|g" \
    "$HERE/server.properties.template" >"$CONFIG"
}

# A fresh cluster when the data dir has no formatted storage; refuses a non-empty dir that is not ours.
ensure_formatted() {
  if [[ -d $DATA_DIR && ! -f $MARKER && -n "$(ls -A "$DATA_DIR")" ]]; then
    die "$DATA_DIR is not empty and was not made by this script: choose another KAFKA_DATA_DIR"
  fi
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  touch "$MARKER"
  render_config
  [[ -f $META_DIR/meta.properties ]] && return 0
  rm -rf "$META_DIR"
  # What `StorageTool random-uuid` prints (16 random bytes, URL-safe base64, no padding), without starting a JVM.
  # Like Kafka's Uuid.randomUuid, never one starting with '-': the command line would take it for an option.
  local id=-
  while [[ $id == -* ]]; do id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"; done
  log "formatting $META_DIR (cluster id $id)"
  "$JAVA" -cp "$JARS" -Dlog4j2.configurationFile="$HERE/log4j2-tools.properties" \
    kafka.tools.StorageTool format --standalone -t "$id" -c "$CONFIG" >&2
  echo "$PORT $CONTROLLER_PORT" >"$PORTS_FILE"
}

wait_ready() {
  local pid
  pid="$(running_pid)" || die "not running (start it with '$0 start')"
  if ! node "$HERE/ready.js" "127.0.0.1:$PORT" "$WAIT_TIMEOUT" "$pid" >&2; then
    log "the broker did not become ready; last lines of $LOG_DIR/server.log:"
    tail -n 40 "$LOG_DIR/server.log" >&2 2>/dev/null || true
    if [[ -s $OUT_FILE ]]; then
      log "last lines of $OUT_FILE:"
      tail -n 20 "$OUT_FILE" >&2
    fi
    exit 1
  fi
}

cmd_start() {
  local no_wait="${1:-}" pid started=$SECONDS
  [[ -z $no_wait || $no_wait == --no-wait ]] || die "usage: $0 start [--no-wait]"
  resolve_ports
  if pid="$(running_pid)"; then
    log "already running (pid $pid, data $DATA_DIR)"
  else
    local port
    for port in "$PORT" "$CONTROLLER_PORT"; do
      port_open "$port" && die "127.0.0.1:$port is taken by another process (not this script's broker for $DATA_DIR)"
    done
    java_check
    ensure_jars
    ensure_formatted
    rm -f "$PID_FILE"
    local detach=()
    # Its own session: the broker outlives the shell that started it and gets no signal sent to that shell's group.
    command -v setsid >/dev/null && detach=(setsid)
    # The child writes its own pid, then execs java: right even when setsid has to fork. fds 8/9 (locks) stay here.
    # shellcheck disable=SC2016,SC2086
    "${detach[@]}" bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
      "$JAVA" -Xms"${KAFKA_HEAP:-512m}" -Xmx"${KAFKA_HEAP:-512m}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true ${KAFKA_JAVA_OPTS:-} "$TAG" \
      -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
      -cp "$JARS" kafka.Kafka "$CONFIG" \
      >>"$OUT_FILE" 2>&1 </dev/null 8>&- 9>&- &
    local i
    for i in $(seq 1 50); do
      [[ -s $PID_FILE ]] && break
      sleep 0.1
    done
    [[ -s $PID_FILE ]] || die "the broker process did not start (see $OUT_FILE)"
    log "started (pid $(cat "$PID_FILE"), data $DATA_DIR, log $LOG_DIR/server.log)"
  fi
  if [[ -z $no_wait ]]; then
    wait_ready
    log "ready in $((SECONDS - started))s"
  fi
  print_brokers
}

cmd_stop() {
  local pid i
  if ! pid="$(running_pid)"; then
    log "not running (data $DATA_DIR)"
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 $((STOP_TIMEOUT * 10))); do
    pid_alive "$pid" || break
    sleep 0.1
  done
  if pid_alive "$pid"; then
    log "still running after ${STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while pid_alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  resolve_ports
  local pid
  if pid="$(running_pid)"; then
    log "running (pid $pid, data $DATA_DIR, log $LOG_DIR/server.log)"
    print_brokers
  else
    log "stopped (data $DATA_DIR)"
    exit 3
  fi
}

cmd_reset() {
  cmd_stop
  [[ -d $DATA_DIR ]] || return 0
  [[ -f $MARKER ]] || die "$DATA_DIR was not made by this script: not deleting it"
  rm -rf "$DATA_DIR"
  log "deleted $DATA_DIR"
}

case "${1:-}" in
  start)
    lock
    cmd_start "${2:-}"
    ;;
  stop)
    lock
    cmd_stop
    ;;
  restart)
    lock
    cmd_stop
    cmd_start
    ;;
  status) cmd_status ;;
  wait)
    resolve_ports
    wait_ready
    print_brokers
    ;;
  reset)
    lock
    cmd_reset
    ;;
  logs) tail -n "${2:-50}" "$LOG_DIR/server.log" ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
