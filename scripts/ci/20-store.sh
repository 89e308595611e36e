# Persistence (issue 3, part 5): what the store's tests need.
# - libsqlite3-dev: GRDB links the system SQLite.
# - postgresql: the PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin). The tests start their own
#   throwaway cluster in a temporary directory as the unprivileged user 'nobody', listening only on a Unix
#   socket inside that directory, and stop it by PID afterwards. They neither use nor disturb a cluster the
#   Debian package may have started.

store_packages() {
    echo libsqlite3-dev postgresql
}

store_setup() {
    if [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
        echo "store_setup: PostgreSQL 15 server binaries are missing from /usr/lib/postgresql/15/bin" >&2
        return 1
    fi
    if ! id nobody >/dev/null 2>&1; then
        echo "store_setup: the tests run PostgreSQL as user 'nobody', which does not exist" >&2
        return 1
    fi
}
