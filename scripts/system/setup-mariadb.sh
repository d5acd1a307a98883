#!/usr/bin/env bash
# Prepares the system's MariaDB for WisPanel in system mode
# (mariadb.mode = "system", docs/databases.md "System mode").
#
#   scripts/system/setup-mariadb.sh [--rotate] <credentials-file-to-write>
#
# As OS root over the server's unix socket (root@localhost authenticates by
# unix_socket on Debian), it
#   - creates the panel's admin account 'wispanel'@'localhost' with a random
#     password and exactly the privileges the panel needs (never root, no
#     SUPER/FILE/RELOAD/SHUTDOWN, nothing it could not grant to a customer's
#     database user): the data privileges it must hold to grant ALL on a
#     database, CREATE USER, and PROCESS (database sizes); WITH GRANT OPTION.
#     Anything else the account holds is revoked, so a re-run restores
#     exactly this set;
#   - writes the [client] credentials file (user, password, socket) 0600, via
#     a temporary file and rename;
#   - sets skip-name-resolve (remote access per host depends on it) in
#     $WSP_MARIADB_CONF_DIR/60-wispanel.cnf and restarts mariadb when that
#     changed and the running server does not have it yet.
# Idempotent: when the credentials file already logs in as the account, the
# password is kept. `--rotate` (or WSP_ROTATE=1) sets a new one: the new file
# is written next to the old, the password changed, then the file renamed
# over the old one; the panel reads the file for every new connection, and
# its open connections stay valid, so no restart is needed. An account whose
# password is unknown (file lost) is given a new one.
#
# Environment:
#   WSP_MARIADB_SOCKET    server socket (default /run/mysqld/mysqld.sock)
#   WSP_MARIADB_ADMIN     account name (default wispanel; no "_", so it can
#                         never collide with a customer's <owner>_<name> user)
#   WSP_MARIADB_CONF_DIR  where 60-wispanel.cnf goes (default /etc/mysql/mariadb.conf.d)
#   WSP_MARIADB_SKIP_CONF=1  do not write the server config (tests)
#   WSP_NO_SYSTEMD=1      never restart the service (tests)
set -euo pipefail

rotate=${WSP_ROTATE:-0}
if [[ ${1:-} == --rotate ]]; then
  rotate=1
  shift
fi
if [[ $# -ne 1 ]]; then
  echo "usage: $0 [--rotate] <credentials-file-to-write>" >&2
  exit 2
fi
cnf=$1
socket=${WSP_MARIADB_SOCKET:-/run/mysqld/mysqld.sock}
admin=${WSP_MARIADB_ADMIN:-wispanel}
conf_dir=${WSP_MARIADB_CONF_DIR:-/etc/mysql/mariadb.conf.d}

log() { echo "setup-mariadb: $*"; }
die() { echo "setup-mariadb: $*" >&2; exit 1; }

[[ $admin =~ ^[A-Za-z0-9]{1,32}$ ]] || die "WSP_MARIADB_ADMIN must be [A-Za-z0-9], at most 32"
command -v mariadb >/dev/null || die "the mariadb client is missing (mariadb-client)"
as_root() { mariadb --no-defaults --protocol=socket --socket="$socket" -u root --batch --skip-column-names "$@"; }
as_root -e 'SELECT 1' >/dev/null 2>&1 || die "cannot log in as root over $socket (is mariadb running?)"

account="'$admin'@'localhost'"
grants="SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER,
  CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE,
  ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY, CREATE USER, PROCESS"

# Does the existing file still log in as the account?
current_ok=0
if [[ -f $cnf ]] && grep -q "^user=$admin\$" "$cnf" &&
  mariadb --defaults-file="$cnf" --protocol=socket --socket="$socket" -e 'SELECT 1' >/dev/null 2>&1; then
  current_ok=1
fi
exists=$(as_root -e "SELECT COUNT(*) FROM mysql.user WHERE User='$admin' AND Host='localhost'")

new_password=""
if [[ $exists == 0 || $current_ok == 0 || $rotate == 1 ]]; then
  new_password=$(openssl rand -hex 24)
fi

umask 077
mkdir -p "$(dirname "$cnf")"
tmp="$cnf.tmp.$$"
trap 'rm -f "$tmp"' EXIT
if [[ -n $new_password ]]; then
  printf '[client]\nuser=%s\npassword=%s\nsocket=%s\n' "$admin" "$new_password" "$socket" >"$tmp"
  chmod 0600 "$tmp"
fi

# The password travels on stdin, never in argv.
{
  if [[ -n $new_password ]]; then
    echo "CREATE USER IF NOT EXISTS $account IDENTIFIED BY '$new_password';"
    echo "ALTER USER $account IDENTIFIED BY '$new_password';"
  fi
  echo "REVOKE ALL PRIVILEGES, GRANT OPTION FROM $account;"
  echo "GRANT $grants ON *.* TO $account WITH GRANT OPTION;"
} | as_root

if [[ -n $new_password ]]; then
  mv -f "$tmp" "$cnf"
  if [[ $exists == 0 ]]; then log "created $account"; else log "new password for $account"; fi
else
  log "$account kept its password"
fi
chmod 0600 "$cnf"
log "credentials in $cnf"

# skip-name-resolve: per-host accounts (remote access) mean nothing without it.
if [[ ${WSP_MARIADB_SKIP_CONF:-0} != 1 ]]; then
  file=$conf_dir/60-wispanel.cnf
  want=$'# Written by WisPanel (scripts/system/setup-mariadb.sh).\n[mariadbd]\nskip-name-resolve\n'
  if [[ ! -f $file || $(cat "$file"; echo x) != "${want}x" ]]; then
    mkdir -p "$conf_dir"
    printf '%s' "$want" >"$file.tmp" && chmod 0644 "$file.tmp" && mv -f "$file.tmp" "$file"
    log "wrote $file"
  fi
  active=$(as_root -e 'SELECT @@skip_name_resolve')
  if [[ $active != 1 ]]; then
    if [[ ${WSP_NO_SYSTEMD:-0} == 1 ]]; then
      log "skip-name-resolve takes effect at the next restart of mariadb"
    else
      systemctl restart mariadb
      log "mariadb restarted (skip-name-resolve)"
    fi
  fi
fi
log "done. Panel config: mariadb.mode = \"system\", mariadb.socket = \"$socket\"," \
  "mariadb.admin_credentials_file = \"$cnf\""
