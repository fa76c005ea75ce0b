#!/bin/sh
# An MDM script (Jamf Pro, Intune, Kandji, or any root shell your fleet tool runs) that routes the
# logged-in user's coding agents through the team's AI gateway.
#
# Settings, by script parameter (Jamf passes its own first three, so ours start at $4) or by
# environment variable:
#   $4  SETUP_GATEWAY_PROFILE         the team's profile document: an https:// URL (or a path)
#   $5  SETUP_GATEWAY_PROFILE_SHA256  its SHA-256 (sha256sum team.json): the bytes you reviewed
#   $6  SETUP_GATEWAY_KEY_FILE        a file holding the gateway key, delivered by the MDM (0600)
#   $7  SETUP_GATEWAY_USER            the user to configure (default: the console user)
# The profile names no key: the key is read from the key file and given on standard input, so
# it never appears in a process list or in the MDM's logs.
#
# Exit codes: 0 the agents match the profile (now or already), 1 something failed (the log says
# what), 2 the settings above are wrong.
set -eu

PROFILE="${4:-${SETUP_GATEWAY_PROFILE:-}}"
PROFILE_SHA256="${5:-${SETUP_GATEWAY_PROFILE_SHA256:-}}"
KEY_FILE="${6:-${SETUP_GATEWAY_KEY_FILE:-}}"
TARGET_USER="${7:-${SETUP_GATEWAY_USER:-}}"

fail() {
  echo "setup-gateway: $2" >&2
  exit "$1"
}

[ -n "$PROFILE" ] || fail 2 "no profile: set parameter 4 or SETUP_GATEWAY_PROFILE."
[ -n "$KEY_FILE" ] || fail 2 "no key file: set parameter 6 or SETUP_GATEWAY_KEY_FILE."
[ -r "$KEY_FILE" ] || fail 2 "cannot read the key file $KEY_FILE."
command -v setup-gateway >/dev/null 2>&1 || fail 1 "setup-gateway is not installed (npm install --global setup-gateway)."

if [ -z "$TARGET_USER" ]; then
  if [ "$(uname -s)" = Darwin ]; then TARGET_USER="$(stat -f%Su /dev/console)"; else TARGET_USER="${SUDO_USER:-$(id -un)}"; fi
  # At the login window the console belongs to root: nobody to configure yet (name a user to force it).
  case "$TARGET_USER" in
    "" | root | loginwindow | _mbsetupuser) fail 0 "no user is logged in; nothing to do until one is." ;;
  esac
fi

# Runs setup-gateway as the target user, in their home, the key on standard input.
as_user() {
  if [ "$(id -un)" = "$TARGET_USER" ]; then
    setup-gateway "$@" < "$KEY_FILE"
  else
    sudo -u "$TARGET_USER" -H setup-gateway "$@" < "$KEY_FILE"
  fi
}

set -- --profile "$PROFILE" --key-stdin
if [ -n "$PROFILE_SHA256" ]; then set -- "$@" --sha256 "$PROFILE_SHA256"; fi

# --check first: exit 0 everything matches (nothing to write), 3 something would change.
status=0
as_user apply "$@" --check > /dev/null || status=$?
case "$status" in
  0) echo "setup-gateway: $TARGET_USER's agents already match the profile."; exit 0 ;;
  3) ;;
  *) fail "$status" "the check failed (exit $status); see the messages above." ;;
esac
as_user apply "$@" --yes
echo "setup-gateway: $TARGET_USER's agents now use the profile ($PROFILE)."
