#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the store's tests. Source this file, then:
#   pg_start   # installs PostgreSQL from Debian if missing, starts a cluster in a temp folder
#              # as an unprivileged user, listening only on a unix socket in that folder;
#              # exports DETENTE_TEST_PG_URL and DETENTE_TEST_PG_REQUIRED=1
#   pg_stop    # stops the cluster and deletes its folder (pg_start sets a trap on EXIT)
# Nothing is left behind: no system service is started, no port is opened.

pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -z "$dir" || ! -x "$dir/initdb" ]]; then
        return 1
    fi
    echo "$dir"
}

pg_install() {
    if pg_bindir >/dev/null; then return 0; fi
    echo "pg_cluster: installing PostgreSQL from Debian" >&2
    if [[ $(id -u) -ne 0 ]]; then
        echo "pg_cluster: PostgreSQL is missing and installing it needs root (apt-get install postgresql)" >&2
        return 1
    fi
    # no system cluster: the tests start their own (Debian's postinst would create and
    # start "main" otherwise)
    if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
        mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    fi
    local tries=0
    until DEBIAN_FRONTEND=noninteractive apt-get update -qq \
          && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold postgresql >/dev/null; do
        tries=$((tries + 1))
        if (( tries >= 10 )); then echo "pg_cluster: apt-get failed" >&2; return 1; fi
        sleep 6   # another apt run holds the dpkg lock
    done
    pg_bindir >/dev/null
}

pg_start() {
    pg_install || return 1
    local bin user
    bin=$(pg_bindir)
    PG_TMP=$(mktemp -d /tmp/detente-pg.XXXXXX)
    chmod 755 "$PG_TMP"
    if [[ $(id -u) -eq 0 ]]; then   # PostgreSQL refuses to run as root: use an unprivileged user
        user=detente-pg
        id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user" 2>/dev/null || id -u "$user" >/dev/null
        chown "$user" "$PG_TMP"
        PG_AS=(runuser -u "$user" --)
    else
        user=$(id -un)
        PG_AS=()
    fi
    "${PG_AS[@]}" "$bin/initdb" -D "$PG_TMP/data" -U detente -A trust --no-sync -E UTF8 >"$PG_TMP/initdb.log" 2>&1 \
        || { cat "$PG_TMP/initdb.log" >&2; return 1; }
    "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $PG_TMP -c fsync=off -c synchronous_commit=off -c max_connections=60" \
        start >/dev/null || { cat "$PG_TMP/server.log" >&2; return 1; }
    PG_BIN=$bin
    export DETENTE_TEST_PG_URL="postgresql+psycopg://detente@/postgres?host=$PG_TMP"
    export DETENTE_TEST_PG_REQUIRED=1
    trap pg_stop EXIT
    echo "pg_cluster: PostgreSQL running as $user, socket in $PG_TMP" >&2
}

pg_stop() {
    if [[ -n "${PG_TMP:-}" && -d "$PG_TMP/data" ]]; then
        "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    [[ -n "${PG_TMP:-}" ]] && rm -rf "$PG_TMP"
    PG_TMP=
}
