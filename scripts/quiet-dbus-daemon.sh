#!/bin/sh
# dbus-daemon without its warnings on stderr (on a container it says "Failed to set
# fd limit" every time): scripts/with-keyring.sh uses it for the demo when the demo's
# stderr is a log rather than a terminal.
exec dbus-daemon "$@" 2>/dev/null
