#!/usr/bin/env bash
# `npm run demo`: the main job, end to end, on the embedded local stack — no AWS
# account, no network. Starts `authapi local`, logs in as demouser with SRP, calls
# the guest route and the protected route, shows a guest being refused on the
# protected route, logs out and stops the stack. Everything lives in a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."

# Secrets go to the OS keychain. With no Secret Service running, start a private
# headless one when gnome-keyring is installed; otherwise allow a 0600 file store
# in the temp dir explicitly (and say so) — never silently.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${AUTHAPI_DEMO_IN_KEYRING:-}" ] && [ "$(uname)" = Linux ]; then
  if command -v gnome-keyring-daemon >/dev/null && command -v dbus-run-session >/dev/null; then
    # dbus-daemon's warnings (e.g. "Failed to set fd limit") are not the demo's: a
    # terminal shows them as they come, a log (stderr not a terminal) does not get them.
    [ -t 2 ] || export AUTHAPI_QUIET_DBUS=1
    AUTHAPI_DEMO_IN_KEYRING=1 exec scripts/with-keyring.sh "$0" "$@"
  fi
  echo "demo: no Secret Service and no gnome-keyring here: the session is kept in a 0600 file inside the demo's temp dir (AUTHAPI_STORE=file)" >&2
  export AUTHAPI_STORE=file
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/authapi-demo.XXXXXX")"
export AUTHAPI_CONFIG_DIR="$work/config" XDG_DATA_HOME="$work/data" AUTHAPI_PROFILE=local
authapi() { node bin/authapi.js "$@"; }
# Bold command lines only for a terminal that wants colour; a log gets plain text.
if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s$ authapi %s%s\n' "$bold" "$*" "$plain" >&2; }

cleanup() {
  [ -n "${local_pid:-}" ] && kill -TERM "$local_pid" 2>/dev/null && wait "$local_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

step "local --port 0 --json &"
node bin/authapi.js local --port 0 --json >"$work/local.json" 2>"$work/local.log" &
local_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/local.json" ] && break
  kill -0 "$local_pid" 2>/dev/null || { cat "$work/local.log" >&2; exit 1; }
  sleep 0.05
done
[ -s "$work/local.json" ] || { echo "demo: the local stack did not start" >&2; cat "$work/local.log" >&2; exit 1; }
cat "$work/local.json"

step "login --username demouser --password-stdin"
printf 'demoPASS123\n' | authapi login --username demouser --password-stdin

step "status"
authapi status

step "call no-auth"
authapi call no-auth; echo

step "call require-auth"
authapi call require-auth; echo

step "call require-auth --guest   # a guest is refused"
set +e
authapi call require-auth --guest; code=$?
set -e
echo
echo "(exit $code)" >&2
[ "$code" -ne 0 ] || { echo "demo: the guest was NOT refused" >&2; exit 1; }

step "logout"
authapi logout
printf '\ndemo: done — the local stack stops now.\n' >&2
