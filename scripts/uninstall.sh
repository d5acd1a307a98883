#!/usr/bin/env bash
# Removes WisPanel from a server installed with scripts/install.sh.
#
#   sudo scripts/uninstall.sh            # the program only
#   sudo scripts/uninstall.sh --purge    # and everything it made
#
# Without --purge it removes the binary, the systemd unit and the shared
# files, and keeps the config (/etc/wispanel), the panel's data
# (/var/lib/wispanel) and the customers: their Linux users and homes, so a
# later install.sh picks everything up again. --purge also removes the
# config, the data, every Linux user the panel made (GECOS
# "WisPanel account") with its home, and the system ProFTPD's
# conf.d/wispanel.conf. It never touches other users.
# Environment: WSP_NO_SYSTEMD=1 and WSP_PREFIX as for install.sh.
set -euo pipefail

purge=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --purge) purge=1; shift ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "uninstall.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

prefix=${WSP_PREFIX:-}
say() { echo "wispanel-uninstall: $*"; }
[[ $(id -u) -eq 0 ]] || { echo "wispanel-uninstall: run me as root" >&2; exit 1; }

if [[ ${WSP_NO_SYSTEMD:-0} != 1 ]] && command -v systemctl >/dev/null; then
  systemctl disable --now wispanel 2>/dev/null || true
fi
rm -f "$prefix/etc/systemd/system/wispanel.service"
if [[ ${WSP_NO_SYSTEMD:-0} != 1 ]] && command -v systemctl >/dev/null; then
  systemctl daemon-reload || true
fi
rm -f "$prefix/usr/local/bin/wispanel"
rm -rf "$prefix/usr/local/share/wispanel"
say "removed the program and its service"

if [[ $purge == 0 ]]; then
  say "kept $prefix/etc/wispanel, $prefix/var/lib/wispanel and the customers' Linux users and homes (--purge removes them)"
  exit 0
fi

# Only users carrying the panel's marker, whatever their home.
marker="WisPanel account"
getent passwd | awk -F: -v m="$marker" '$5 == m && $3 != 0 { print $1 }' | while read -r user; do
  say "removing Linux user $user and its home"
  userdel --remove --force -- "$user" 2>/dev/null || userdel --force -- "$user" || true
done
# The system ProFTPD's snippet (ftp.mode = "system") names files in the data
# removed below (accounts, certificate, logs): left in place, `proftpd -t`
# fails and proftpd would not start again. Only a file the panel or
# setup-proftpd.sh wrote is removed; Debian's own config is left as it is.
snippet=$prefix/etc/proftpd/conf.d/wispanel.conf
if [[ -f $prefix/etc/wispanel/wispanel.toml ]]; then
  configured=$(sed -n '/^\[ftp\]/,/^\[/s/^[[:space:]]*system_config_path[[:space:]]*=[[:space:]]*"\(.*\)".*/\1/p' \
    "$prefix/etc/wispanel/wispanel.toml")
  [[ -n $configured ]] && snippet=$prefix$configured
fi
if [[ -f $snippet ]] && grep -q "WisPanel" "$snippet"; then
  rm -f "$snippet"
  say "removed the system ProFTPD's WisPanel snippet $snippet"
  if [[ ${WSP_NO_SYSTEMD:-0} != 1 ]] && command -v systemctl >/dev/null; then
    systemctl try-reload-or-restart proftpd 2>/dev/null || true
  fi
fi
rm -rf "$prefix/etc/wispanel" "$prefix/var/lib/wispanel"
say "purged the config, the data and the panel's Linux users"
