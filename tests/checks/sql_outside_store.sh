#!/bin/sh
# check.sql_in_store: all of the panel's SQL lives in src/store/ (repositories
# taking a ReadTx/WriteTx handle; docs/architecture.md "State"). Fails when
# an SQL statement keyword appears inside a string literal, or a prepared
# statement / the SQLite API is used, in src/ outside src/store/.
#
# Usage: sql_outside_store.sh [source root]   (default: this repository)
set -eu

root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"

# Exempt: drivers of outside components, whose SQL is not the panel's.
#  - src/drivers/proftpd_accounts.*: ProFTPD's own accounts SQLite file
#    (a separate database that ProFTPD reads), not the panel store.
#  - src/drivers/proftpd_config.cpp: the SQLNamedQuery lines ProFTPD's
#    mod_sql runs against that same accounts file.
#  - src/drivers/mariadb_*, src/drivers/pma_signon.cpp: statements sent to
#    the customers' MariaDB server (CREATE USER, GRANT, ...).
#  - src/drivers/ssh_keys.*: no SQL; RFC 4716's armour line
#    "---- BEGIN SSH2 PUBLIC KEY ----" reads like the keyword BEGIN.
exempt='^src/drivers/(proftpd_accounts\.(cpp|h)|proftpd_config\.cpp|mariadb_[a-z_]+\.(cpp|h)|pma_signon\.cpp|ssh_keys\.(cpp|h)):'

keywords='SELECT|INSERT|UPDATE|DELETE|REPLACE|UPSERT|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|VACUUM|ATTACH|DETACH'
# A string literal (escapes allowed) holding one of the keywords as a word.
in_literal="\"(?:[^\"\\\\]|\\\\.)*\\b(${keywords})\\b(?:[^\"\\\\]|\\\\.)*\""
# The same in lower case, where a keyword alone is an English word ("delete
# the file"): only statement shapes count.
shapes='select\b(?:[^"\\]|\\.)*\bfrom|insert\s+(?:or\s+\w+\s+)?into|update\s+\w+\s+set|delete\s+from|create\s+(?:temp\w*\s+)?(?:table|index|view|trigger)|drop\s+(?:table|index|view|trigger)|pragma\s+\w+'
in_literal_lower="\"(?:[^\"\\\\]|\\\\.)*\\b(${shapes})\\b(?:[^\"\\\\]|\\\\.)*\""
# Prepared statements or the SQLite C API.
api='\bStmt\b|\bsqlite3'

found=$(
    {
        grep -rnP --include='*.cpp' --include='*.h' --include='*.hpp' "$in_literal" src || true
        grep -rniP --include='*.cpp' --include='*.h' --include='*.hpp' "$in_literal_lower" src || true
        grep -rnP --include='*.cpp' --include='*.h' --include='*.hpp' "$api" src || true
    } | grep -v '^src/store/' | grep -Ev "$exempt" | sort -u
)

if [ -n "$found" ]; then
    echo "SQL outside src/store/ (move it into a repository there; docs/architecture.md \"State\"):"
    echo "$found"
    exit 1
fi
echo "OK: no panel SQL outside src/store/"
