#!/bin/sh
# The devcontainer feature's install step (runs as root while the image is built). It installs
# setup-gateway and writes the script the container runs once created (postCreateCommand), as the
# container's user with the key from its environment: the image never holds the key.
#
# Options arrive as environment variables (PROFILE, PROFILESHA256, VERSION). SETUP_GATEWAY_PREFIX
# moves what is written under /usr/local elsewhere (for tests and for images without /usr/local).
set -eu

PROFILE="${PROFILE:-}"
PROFILESHA256="${PROFILESHA256:-}"
VERSION="${VERSION:-latest}"
PREFIX="${SETUP_GATEWAY_PREFIX:-/usr/local}"
SHARE="$PREFIX/share/setup-gateway"

# A value as one single-quoted shell word.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

if ! command -v setup-gateway >/dev/null 2>&1; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup-gateway feature: npm is missing; add the node feature (ghcr.io/devcontainers/features/node)." >&2
    exit 1
  fi
  npm install --global "setup-gateway@$VERSION"
fi
setup-gateway --version

mkdir -p "$SHARE"
{
  echo '#!/bin/sh'
  echo '# Written by the setup-gateway devcontainer feature: applies the team profile once the container exists.'
  echo 'set -eu'
  printf 'PROFILE=%s\n' "$(quote "$PROFILE")"
  printf 'PROFILESHA256=%s\n' "$(quote "$PROFILESHA256")"
  cat <<'SCRIPT'
if [ -z "$PROFILE" ]; then
  echo "setup-gateway: no profile given to the devcontainer feature; run \`setup-gateway\` to configure the agents." >&2
  exit 0
fi
if [ -z "${SETUP_GATEWAY_KEY:-}" ]; then
  echo "setup-gateway: SETUP_GATEWAY_KEY is not set in the container (remoteEnv); the agents were not configured." >&2
  exit 0
fi
set -- apply --profile "$PROFILE" --yes
if [ -n "$PROFILESHA256" ]; then set -- "$@" --sha256 "$PROFILESHA256"; fi
exec setup-gateway "$@"
SCRIPT
} > "$SHARE/apply.sh.tmp"
chmod 0755 "$SHARE/apply.sh.tmp"
mv "$SHARE/apply.sh.tmp" "$SHARE/apply.sh"
echo "setup-gateway feature: the agents are configured when the container is created ($SHARE/apply.sh)."
