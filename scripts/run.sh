#!/usr/bin/env bash
# `make run`: starts the panel in sandbox mode in the foreground, after
# printing where it is and how to sign in.
set -euo pipefail
bin=$1 data_dir=$2 listen=$3

mkdir -p "$data_dir"
# The first start creates the admin and its password file; do it now so the
# credentials can be shown before the server's own log lines.
"$bin" user list --data-dir "$data_dir" >/dev/null
echo
echo "WisPanel: https://$listen/api/v1  (self-signed certificate: use curl -k)"
if [[ -f "$data_dir/initial-admin-password" ]]; then
  echo "First admin: admin / $(cat "$data_dir/initial-admin-password")"
  echo "  (from $data_dir/initial-admin-password; change it with: $bin user passwd admin --data-dir $data_dir)"
fi
echo "Try: curl -k -X POST https://$listen/api/v1/auth/login -d '{\"username\":\"admin\",\"password\":\"...\"}'"
echo
exec "$bin" serve --data-dir "$data_dir" --listen "$listen"
