#!/usr/bin/env bash
# `npm test`: build the bundles, typecheck, run vitest. When gnome-keyring is
# installed and no Secret Service is running, the run happens inside a private
# headless D-Bus session with an unlocked keyring, so the real keychain test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs
npx tsc --noEmit -p .
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v gnome-keyring-daemon >/dev/null && [ -x scripts/with-keyring.sh ]; then
  exec scripts/with-keyring.sh npx vitest run "$@"
fi
exec npx vitest run "$@"
