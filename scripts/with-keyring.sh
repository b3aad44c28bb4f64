#!/bin/sh
# Runs a command inside a private D-Bus session with gnome-keyring's Secret Service
# started and unlocked, so the keychain backend can be tested for real on a headless
# machine (CI: `scripts/with-keyring.sh npx vitest run`).
#
#   scripts/with-keyring.sh [--password-stdin] <command> [args…]
#
# gnome-keyring-daemon always gets its unlock password on its stdin. That password
# is one line read from our stdin with --password-stdin, else
# $AUTHAPI_TEST_KEYRING_PASSWORD, else a fixed throwaway value: the keyring lives in
# a temporary directory and dies with the session, never the user's own keyring.
# (Stdin is only read when asked, so a CI step with an open stdin cannot hang.)
set -eu

read_stdin=""
if [ "${1:-}" = "--password-stdin" ]; then
  read_stdin=1
  shift
fi

if [ "$#" -eq 0 ]; then
  echo "usage: $0 [--password-stdin] <command> [args...]" >&2
  exit 2
fi

if [ -z "${AUTHAPI_IN_KEYRING_SESSION:-}" ]; then
  command -v dbus-run-session >/dev/null 2>&1 || { echo "$0: dbus-run-session not found (Debian: apt-get install dbus)" >&2; exit 2; }
  command -v gnome-keyring-daemon >/dev/null 2>&1 || { echo "$0: gnome-keyring-daemon not found (Debian: apt-get install gnome-keyring)" >&2; exit 2; }
  password="${AUTHAPI_TEST_KEYRING_PASSWORD:-authapi-test-keyring}"
  if [ -n "$read_stdin" ]; then
    IFS= read -r line || true
    [ -n "${line:-}" ] && password="$line"
  fi
  # A private keyring directory: never touch the user's real login keyring.
  keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/authapi-keyring.XXXXXX")"
  trap 'rm -rf "$keyring_home"' EXIT INT TERM
  # AUTHAPI_QUIET_DBUS=1: the daemon's own warnings are not shown (the demo into a log).
  daemon=""
  [ "${AUTHAPI_QUIET_DBUS:-}" = 1 ] && daemon="--dbus-daemon=$(cd "$(dirname "$0")" && pwd)/quiet-dbus-daemon.sh"
  # A session bus without D-Bus activation: if gnome-keyring stops, a client must not
  # get a fresh daemon started locked (with no default keyring) in its place; the
  # watchdog below starts it again, unlocked.
  config=""
  if [ -r /usr/share/dbus-1/session.conf ]; then
    grep -v '<standard_session_servicedirs' /usr/share/dbus-1/session.conf >"$keyring_home/session.conf"
    config="--config-file=$keyring_home/session.conf"
  fi
  AUTHAPI_IN_KEYRING_SESSION=1 AUTHAPI_KEYRING_HOME="$keyring_home" AUTHAPI_KEYRING_PASSWORD="$password" \
    dbus-run-session ${config:+"$config"} ${daemon:+"$daemon"} -- "$0" "$@"
  exit $?
fi

# Inside the D-Bus session: gnome-keyring keeps its files under XDG_DATA_HOME; the
# wrapped command gets the caller's value back.
had_data_home="${XDG_DATA_HOME+x}"
saved_data_home="${XDG_DATA_HOME:-}"
export XDG_DATA_HOME="$AUTHAPI_KEYRING_HOME/data"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$AUTHAPI_KEYRING_HOME/run}"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# --unlock reads the password from stdin and creates/unlocks the "login" collection,
# so no prompt is ever needed; the daemon forks into the background and prints
# environment assignments (GNOME_KEYRING_CONTROL…) that clients may use.
eval "$(printf '%s' "$AUTHAPI_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL 2>/dev/null || true

# A watchdog, as systemd is for gnome-keyring on a desktop. gnome-keyring aborts now and
# then when a client goes away in the middle of a request (an upstream race:
# "gkd_secret_service_get_pkcs11_session: assertion 'client' failed"), and a test
# suite opens thousands of short-lived connections. When the unlocked daemon we
# started is gone — dead, or replaced on the bus by one that D-Bus activation started
# locked — it is started again, unlocked, with --replace; its keyring file keeps
# every item. The watchdog ends with the session.
secrets_owner() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null | awk '/uint32/ { print $2 }'
}
# The daemon forks: wait (bounded, 5 s) until it owns its bus name; prints its pid.
owner_when_up() {
  i=0
  while [ "$i" -lt 200 ]; do
    pid="$(secrets_owner)"
    [ -z "$pid" ] || { echo "$pid"; return; }
    sleep 0.025
    i=$((i + 1))
  done
}
keyring_password="$AUTHAPI_KEYRING_PASSWORD"
daemon_pid="$(owner_when_up)"
if [ -n "$daemon_pid" ] && command -v dbus-send >/dev/null 2>&1; then
  (
    trap 'exit 0' TERM INT
    while sleep 0.2; do
      now="$(secrets_owner)"
      [ -n "$now" ] && [ "$now" = "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null && continue
      printf '%s' "$keyring_password" | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null 2>&1 || true
      daemon_pid="$(owner_when_up)"
      echo "with-keyring: gnome-keyring-daemon had stopped; restarted it unlocked (pid ${daemon_pid:-?})" >&2
    done
  ) &
  watchdog=$!
fi
unset keyring_password
unset AUTHAPI_KEYRING_PASSWORD AUTHAPI_IN_KEYRING_SESSION AUTHAPI_KEYRING_HOME
if [ -n "$had_data_home" ]; then export XDG_DATA_HOME="$saved_data_home"; else unset XDG_DATA_HOME; fi
rc=0
"$@" || rc=$?
[ -z "${watchdog:-}" ] || kill "$watchdog" 2>/dev/null || true
exit $rc
