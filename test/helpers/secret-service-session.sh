#!/bin/sh
# Runs a command in a private D-Bus session whose Secret Service (gnome-keyring, in a
# temporary directory that is removed afterwards) is in the given state:
#
#   test/helpers/secret-service-session.sh STATE <command> [args…]
#
#   unlocked    gnome-keyring-daemon --unlock: the "login" collection exists, unlocked
#   locked      the same, then the collection is locked over D-Bus
#   no-default  gnome-keyring started by D-Bus activation (as a session without PAM
#               does): running, but with no default collection
#   absent      a session bus that knows no Secret Service (no .service files)
#   no-bus      no session bus at all (DBUS_SESSION_BUS_ADDRESS unset)
#
# The daemon is killed when the command ends. The command's exit code is returned.
# The bus's and the daemon's chatter goes to a log in the temporary directory (shown
# only when the set-up fails), so the command's stderr holds only what it wrote.
set -eu

state="${1:-}"
[ "$#" -ge 2 ] || { echo "usage: $0 unlocked|locked|no-default|absent|no-bus <command> [args...]" >&2; exit 2; }
shift

if [ "$state" = no-bus ]; then
  unset DBUS_SESSION_BUS_ADDRESS
  exec "$@"
fi

if [ -z "${AUTHAPI_SS_HOME:-}" ]; then
  home="$(mktemp -d "${TMPDIR:-/tmp}/authapi-ss.XXXXXX")"
  trap 'rm -rf "$home"' EXIT INT TERM
  mkdir -p "$home/data" "$home/run"
  chmod 700 "$home/run"
  config=""
  if [ "$state" = absent ]; then
    config="--config-file=$home/bus.conf"
    cat >"$home/bus.conf" <<'CONF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  fi
  # Set before the bus starts: a daemon started by D-Bus activation inherits the bus's
  # environment, and must keep its keyrings and sockets in $home, not in the real HOME.
  rc=0
  exec 3>&2
  HOME="$home" XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/run" AUTHAPI_SS_HOME="$home" \
    dbus-run-session $config -- "$0" "$state" "$@" 2>"$home/bus.log" || rc=$?
  [ "$rc" -ne 70 ] || cat "$home/bus.log" >&2
  exit $rc
fi

unset AUTHAPI_SS_HOME
bus() { dbus-send --session --print-reply "$@"; }
owned() { bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q 'boolean true'; }

case "$state" in
  unlocked|locked)
    printf '%s' authapi-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    # The daemon forks; wait (bounded) until it owns its bus name, or a call made now
    # would have D-Bus activate a second daemon.
    i=0
    until owned; do
      i=$((i + 1))
      [ "$i" -le 400 ] || { echo "$0: gnome-keyring did not take org.freedesktop.secrets" >&3; exit 70; }
      sleep 0.025
    done
    if [ "$state" = locked ]; then
      bus --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock \
        array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
    fi
    ;;
  no-default)
    bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.StartServiceByName \
      string:org.freedesktop.secrets uint32:0 >/dev/null
    ;;
  absent) ;;
  *) echo "$0: unknown state \"$state\"" >&3; exit 2 ;;
esac

pid=""
if [ "$state" != absent ]; then
  pid="$(bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID \
    string:org.freedesktop.secrets | awk '/uint32/ { print $2 }')"
fi
rc=0
"$@" 2>&3 3>&- || rc=$?
[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
exit $rc
