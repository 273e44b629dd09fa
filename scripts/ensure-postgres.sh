#!/usr/bin/env bash
# Make sure the PostgreSQL database named by ENGAGE_TEST_DATABASE_URL answers.
# Idempotent: a no-op when it already does; otherwise installs/starts the local
# cluster and creates the role and database from the URL.
set -euo pipefail

url=${ENGAGE_TEST_DATABASE_URL:-postgresql://engage:engage@127.0.0.1:5432/engage_test}

# The suite's two workers, its multi-process tests (each web or projection process holds two
# pools and a listener) and a benchmark beside them need more than PostgreSQL's default 100.
MIN_CONNECTIONS=300
# Room between checkpoints for a rebuild: replaying the 2017 scale writes ~10 GB of WAL, and
# with PostgreSQL's default 1 GB a checkpoint came every 16 s, each followed by full-page images
# of every page written again (docs/DEPLOY.md, "Upgrades that need a rebuild"). Reloaded, no restart.
MIN_WAL_MB=8192

# Fast path: the server answers, the role/database already work, and there is room.
answers=0
if psql "$url" -qAtc 'select 1' >/dev/null 2>&1; then
    answers=1
    [ "$(psql "$url" -qAtc 'show max_connections')" -ge "$MIN_CONNECTIONS" ] &&
        [ "$(psql "$url" -qAtc "select setting from pg_settings where name = 'max_wal_size'")" -ge "$MIN_WAL_MB" ] &&
        exit 0
fi

# postgresql://user:password@host:port/dbname (query string ignored).
re='^postgres(ql)?://([^:@/]*)(:([^@/]*))?@([^:/?]*)(:([0-9]+))?/([^?]+)'
[[ $url =~ $re ]] || { echo "ensure-postgres: cannot parse URL: $url" >&2; exit 1; }
urldecode() { printf '%b' "${1//%/\\x}"; }  # psql decodes %XX, so must we
user=$(urldecode "${BASH_REMATCH[2]:-engage}") pass=$(urldecode "${BASH_REMATCH[4]:-engage}")
host=${BASH_REMATCH[5]:-127.0.0.1} port=${BASH_REMATCH[7]:-5432} db=$(urldecode "${BASH_REMATCH[8]}")

# We can only repair a server on this machine.
case $host in
    127.0.0.1|localhost|::1|'[::1]') ;;
    *) if [ "$answers" = 1 ]; then
           echo "ensure-postgres: $url has fewer than $MIN_CONNECTIONS connections or a max_wal_size under $MIN_WAL_MB MB: tests may run out, rebuilds run slower" >&2; exit 0
       fi
       echo "ensure-postgres: $url does not answer and is not local" >&2; exit 1 ;;
esac

# Cluster management needs root; use sudo only when not root and available.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else echo "ensure-postgres: need root to manage PostgreSQL" >&2; exit 1
    fi
}
# Superuser SQL goes through the postgres OS user (peer auth on the socket);
# cd / so psql does not complain about an unreadable working directory.
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@")
    else (cd / && sudo -u postgres "$@")
    fi
}

# Install PostgreSQL when there is no cluster at all (Debian creates one).
if ! command -v pg_lsclusters >/dev/null || [ -z "$(pg_lsclusters -h)" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y postgresql
fi

# Pick the cluster listening on the URL's port, else the first one.
line=$(pg_lsclusters -h | awk -v p="$port" '$3 == p')
[ -n "$line" ] || line=$(pg_lsclusters -h)
read -r ver name cport status _ <<<"$line"
[ "$status" = online ] || as_root pg_ctlcluster "$ver" "$name" start

# The cluster may take a moment to accept connections.
for _ in $(seq 30); do
    pg_isready -q -h 127.0.0.1 -p "$cport" && break
    sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$cport" || { echo "ensure-postgres: server on port $cport not ready" >&2; exit 1; }

# Create role and database if missing (psql variables quote the values; \gexec
# because CREATE DATABASE cannot run inside a DO block).  The ALTER keeps the
# password in sync with the URL for a role that already existed.
as_postgres psql -p "$cport" -qAt -v ON_ERROR_STOP=1 -v user="$user" -v pass="$pass" -v db="$db" <<'SQL'
SELECT format('CREATE ROLE %I', :'user')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'pass') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL

# Room for the suite's connections (a restart: max_connections is read at start).
if [ "$(as_postgres psql -p "$cport" -qAtc 'show max_connections')" -lt "$MIN_CONNECTIONS" ]; then
    as_postgres psql -p "$cport" -qAtc "ALTER SYSTEM SET max_connections = $MIN_CONNECTIONS"
    as_root pg_ctlcluster "$ver" "$name" restart
    for _ in $(seq 30); do
        pg_isready -q -h 127.0.0.1 -p "$cport" && break
        sleep 1
    done
fi

if [ "$(as_postgres psql -p "$cport" -qAtc "select setting from pg_settings where name = 'max_wal_size'")" -lt "$MIN_WAL_MB" ]; then
    as_postgres psql -p "$cport" -qAtc "ALTER SYSTEM SET max_wal_size = '${MIN_WAL_MB}MB'"
    as_postgres psql -p "$cport" -qAtc "SELECT pg_reload_conf()" >/dev/null
fi

# Verify with the very URL the tests will use.
psql "$url" -qAtc 'select 1' >/dev/null
echo "ensure-postgres: $url is ready"
