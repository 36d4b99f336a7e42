#!/usr/bin/env bash
# Install (if missing) and start Virtuoso Open Source 7 on the loopback interface, for the
# endpoint tests (tests/test_endpoint.py). Safe to run again: an answering server is left alone.
#
#   .ci/start-servers.sh          install if needed, start, wait until it answers, set password
#   .ci/start-servers.sh stop     shut the server down
#   .ci/start-servers.sh status   say whether it answers
#
# Uses Debian's package virtuoso-opensource (needs root to install). Its configuration is the
# package's own /etc/virtuoso-opensource-7/virtuoso.ini, edited in place with the package's
# `inifile` tool so that both ports listen on 127.0.0.1 only; the database lives in
# /var/lib/virtuoso-opensource-7/db. The Oxigraph server is not started here: the tests start
# it themselves through osteokg.server.
#
# Environment (all optional):
#   OSTEOKG_VIRTUOSO_HTTP_PORT  HTTP port (SPARQL, graph store)    default 8890
#   OSTEOKG_VIRTUOSO_SQL_PORT   SQL port (isql)                    default 1111
#   OSTEOKG_VIRTUOSO_USER       administrator                      always dba
#   OSTEOKG_VIRTUOSO_PASSWORD   password set for dba (and dav)     default dba
#   OSTEOKG_VIRTUOSO_WAIT_S     how long to wait for it to answer  default 120
set -euo pipefail

HTTP_PORT="${OSTEOKG_VIRTUOSO_HTTP_PORT:-8890}"
SQL_PORT="${OSTEOKG_VIRTUOSO_SQL_PORT:-1111}"
PASSWORD="${OSTEOKG_VIRTUOSO_PASSWORD:-dba}"
WAIT_S="${OSTEOKG_VIRTUOSO_WAIT_S:-120}"
INI=/etc/virtuoso-opensource-7/virtuoso.ini
DB_DIR=/var/lib/virtuoso-opensource-7/db
LOG="$DB_DIR/virtuoso.log"
URL="http://127.0.0.1:${HTTP_PORT}"
ACTION="${1:-start}"

say() { echo "[start-servers] $*" >&2; }

# True when the SPARQL endpoint answers a trivial query (python3 is always there; curl may not be).
answers() {
    python3 - "$URL/sparql" <<'PY' >/dev/null 2>&1
import sys, urllib.parse, urllib.request
url = sys.argv[1] + "?" + urllib.parse.urlencode({"query": "ASK {}"})
req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
with urllib.request.urlopen(req, timeout=3) as r:
    sys.exit(0 if r.status == 200 and b"boolean" in r.read() else 1)
PY
}

# Run one SQL statement as dba with the given password (bounded in time).
isql_as() {
    local pw="$1" sql="$2"
    timeout 30 isql-vt "127.0.0.1:${SQL_PORT}" dba "$pw" "exec=${sql}" >/dev/null 2>&1
}

server_pid() {
    if [ -f "$DB_DIR/virtuoso.lck" ]; then
        sed -n 's/^VIRT_PID=//p' "$DB_DIR/virtuoso.lck"
    fi
}

install_virtuoso() {
    if command -v virtuoso-t >/dev/null 2>&1 && [ -f "$INI" ]; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        say "Virtuoso is not installed and installing it needs root: apt-get install virtuoso-opensource"
        exit 1
    fi
    say "installing virtuoso-opensource from Debian"
    export DEBIAN_FRONTEND=noninteractive
    # The package asks for the dba/dav password through debconf (template
    # virtuoso-opensource-7/dba-password, confirmed by .../dba-password-again). Preseed it so the
    # install never prompts; in a container its postinst cannot start the daemon
    # (policy-rc.d), so the database is created at our first start with dba/dba and the password
    # is set below with isql.
    debconf-set-selections <<EOF
virtuoso-opensource-7 virtuoso-opensource-7/dba-password password ${PASSWORD}
virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password ${PASSWORD}
EOF
    if [ -z "${OSTEOKG_APT_UPDATED:-}" ]; then
        apt-get update -q >/dev/null
        export OSTEOKG_APT_UPDATED=1
    fi
    apt-get install -y -q --no-install-recommends virtuoso-opensource >/dev/null
}

configure_loopback() {
    # inifile ships with the package; it rewrites one key in place (idempotent).
    inifile +inifile "$INI" +section Parameters +key ServerPort +value "127.0.0.1:${SQL_PORT}"
    inifile +inifile "$INI" +section HTTPServer +key ServerPort +value "127.0.0.1:${HTTP_PORT}"
    inifile +inifile "$INI" +section URIQA +key DefaultHost +value "127.0.0.1:${HTTP_PORT}"
}

set_password() {
    if isql_as "$PASSWORD" "select 1;"; then
        return 0
    fi
    if isql_as dba "select 1;"; then
        say "setting the dba and dav password"
        isql_as dba "SET PASSWORD dba ${PASSWORD};"
        isql_as "$PASSWORD" "UPDATE SYS_USERS SET U_PASSWORD='${PASSWORD}' WHERE U_NAME='dav';" || true
        isql_as "$PASSWORD" "checkpoint;" || true
        return 0
    fi
    say "cannot log in to Virtuoso as dba with OSTEOKG_VIRTUOSO_PASSWORD nor with the default"
    say "password; set OSTEOKG_VIRTUOSO_PASSWORD to the current one"
    exit 1
}

start() {
    install_virtuoso
    if answers; then
        say "Virtuoso already answers at $URL"
        set_password
        return 0
    fi
    configure_loopback
    local pid
    pid="$(server_pid)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        say "Virtuoso (pid $pid) is running but not answering yet; waiting"
    else
        say "starting Virtuoso ($INI)"
        mkdir -p "$DB_DIR"
        # +wait: return once the server has finished its start-up and detached.
        (cd "$DB_DIR" && timeout "$WAIT_S" virtuoso-t +configfile "$INI" +wait) || {
            say "virtuoso-t failed to start; the end of $LOG:"
            tail -n 20 "$LOG" >&2 || true
            exit 1
        }
    fi
    local deadline=$((SECONDS + WAIT_S))
    until answers; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            say "Virtuoso did not answer at $URL within ${WAIT_S} s; the end of $LOG:"
            tail -n 20 "$LOG" >&2 || true
            exit 1
        fi
        sleep 1
    done
    set_password
    say "Virtuoso answers at $URL (SPARQL: $URL/sparql, graph store: $URL/sparql-graph-crud-auth)"
}

stop() {
    local pid
    pid="$(server_pid)"
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
        say "Virtuoso is not running"
        return 0
    fi
    isql-vt "127.0.0.1:${SQL_PORT}" dba "$PASSWORD" -K >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            say "Virtuoso (pid $pid) did not stop in 30 s; killing it"
            kill -9 "$pid" 2>/dev/null || true
            break
        fi
        sleep 1
    done
    say "Virtuoso stopped"
}

case "$ACTION" in
    start) start ;;
    stop) stop ;;
    status)
        if answers; then say "Virtuoso answers at $URL"; else say "Virtuoso does not answer at $URL"; exit 1; fi
        ;;
    *) say "usage: $0 [start|stop|status]"; exit 2 ;;
esac
