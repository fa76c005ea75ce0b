#!/bin/sh
# setup-gateway's one-line installer: route every coding agent on this machine through one AI
# gateway.
#
#   curl -fsSL <url>/install.sh | bash -s -- KEY --base-url URL [--agent ID]... [--model ID]...
#   curl -fsSL <url>/install.sh | SETUP_GATEWAY_BASE_URL=URL bash -s -- KEY
#   curl -fsSL <url>/install.sh | bash                 (no key: the interactive mode)
#
# It checks for Node.js >= 20, then runs a pinned release of setup-gateway through npx:
#   npx --yes --package setup-gateway@VERSION -- setup-gateway apply [the flags after KEY]
# Nothing is installed globally. The key reaches setup-gateway in its environment
# (SETUP_GATEWAY_KEY), never as an argument, and is never printed: this shell replaces itself
# with npx (exec), so no process keeps the key in its command line while it runs.
# With no key and a terminal at hand, it opens setup-gateway's interactive mode instead, reading
# the keyboard from /dev/tty (standard input is this script).
#
# Environment:
#   SETUP_GATEWAY_KEY       the gateway key, instead of the first argument
#   SETUP_GATEWAY_BASE_URL  the gateway URL, instead of --base-url
#   SETUP_GATEWAY_PACKAGE   what npx runs (default: setup-gateway@VERSION below): another
#                           version, or the path of a local tarball (npm pack) to run offline
#
# Exit codes: setup-gateway's own (0 ok, 1 failure, 2 usage error); 2 for a usage error caught
# here; 1 when Node.js >= 20 or npx is missing.
#
# POSIX sh: runs under bash, dash, ash and zsh's sh mode. Everything is in functions called on
# the last line, so a download cut short runs nothing.

# The release this installer runs; bumped with package.json (a test checks that they agree).
sg_version=0.1.0
sg_min_node=20

say() {
  printf '%s\n' "$*" >&2
}

die() {
  sg_code=$1
  shift
  say "setup-gateway install: $*"
  exit "$sg_code"
}

usage() {
  cat >&2 <<'EOF'
Usage: curl -fsSL <url>/install.sh | bash -s -- KEY --base-url URL [apply options]

  KEY              your gateway key (or set SETUP_GATEWAY_KEY); never printed
  --base-url URL   your gateway, with or without /v1 (or set SETUP_GATEWAY_BASE_URL)
  --agent ID       configure only this agent (repeatable; default: every agent found)
  --model ID       the model for every agent, or AGENT=ID for one (repeatable)
  --dry-run        show the changes as diffs and write nothing

Every option after KEY goes to `setup-gateway apply` (see `npx setup-gateway apply --help`).
With no key, on a terminal, setup-gateway's interactive mode asks for everything.
EOF
}

node_help() {
  cat >&2 <<EOF
Install Node.js $sg_min_node or newer, then run this again:
  - installers for macOS, Windows and Linux: https://nodejs.org/en/download
  - macOS with Homebrew: brew install node
  - any Unix with nvm: nvm install --lts
EOF
}

check_node() {
  if ! command -v node >/dev/null 2>&1; then
    node_help
    die 1 "Node.js $sg_min_node or newer is needed: no \`node\` on PATH."
  fi
  sg_node_version=$(node -p 'process.versions.node' 2>/dev/null) || sg_node_version=unknown
  sg_node_major=${sg_node_version%%.*}
  case $sg_node_major in
    '' | *[!0-9]*) sg_node_major=0 ;;
  esac
  if [ "$sg_node_major" -lt "$sg_min_node" ]; then
    node_help
    die 1 "Node.js $sg_min_node or newer is needed: this is $sg_node_version ($(command -v node))."
  fi
  if ! command -v npx >/dev/null 2>&1; then
    node_help
    die 1 "npx (part of npm, which comes with Node.js) is not on PATH."
  fi
}

# True when a terminal can be opened although standard input is this script.
has_tty() {
  (exec </dev/tty) 2>/dev/null
}

# Quiet npm's own chatter (update notices, funding, warnings about the user's npm config);
# errors still show. A caller's own settings win.
quiet_npm() {
  npm_config_update_notifier=${npm_config_update_notifier:-false}
  npm_config_fund=${npm_config_fund:-false}
  npm_config_audit=${npm_config_audit:-false}
  npm_config_loglevel=${npm_config_loglevel:-error}
  export npm_config_update_notifier npm_config_fund npm_config_audit npm_config_loglevel
}

main() {
  sg_key=${SETUP_GATEWAY_KEY-}
  case ${1-} in
    -h | --help)
      usage
      exit 0
      ;;
    '' | -*) ;;
    *)
      sg_key=$1
      shift
      ;;
  esac

  sg_has_url=false
  sg_key_env=false
  for sg_arg in "$@"; do
    case $sg_arg in
      -h | --help)
        usage
        exit 0
        ;;
      --base-url | --base-url=*) sg_has_url=true ;;
      --key-env | --key-env=*) sg_key_env=true ;;
      --key | --key=* | --key-stdin | --key-stdin=*)
        # Only the flag's name: a value after `=` would be the key itself.
        die 2 "${sg_arg%%=*} is not taken here: give the key as the first argument or in SETUP_GATEWAY_KEY."
        ;;
    esac
  done
  if [ "$sg_has_url" = false ] && [ -n "${SETUP_GATEWAY_BASE_URL-}" ]; then
    set -- --base-url "$SETUP_GATEWAY_BASE_URL" "$@"
    sg_has_url=true
  fi

  check_node
  quiet_npm
  sg_package=${SETUP_GATEWAY_PACKAGE:-setup-gateway@$sg_version}

  if [ -n "$sg_key" ]; then
    SETUP_GATEWAY_KEY=$sg_key
    export SETUP_GATEWAY_KEY
  fi

  # The interactive mode: no key (or no gateway URL) and a person at a terminal. It takes the
  # key from SETUP_GATEWAY_KEY when there is one; flags are for `apply` only.
  if { [ -z "$sg_key" ] && [ "$sg_key_env" = false ]; } || [ "$sg_has_url" = false ]; then
    if has_tty; then
      if [ $# -gt 0 ]; then
        say "setup-gateway install: the interactive mode asks for everything itself; ignoring: $*"
      fi
      say "Starting setup-gateway's interactive mode (${sg_package})..."
      exec npx --yes --package "$sg_package" -- setup-gateway </dev/tty
    fi
    usage
    if [ -z "$sg_key" ] && [ "$sg_key_env" = false ]; then
      die 2 "no key: give it as the first argument (or in SETUP_GATEWAY_KEY)."
    fi
    die 2 "no gateway URL: add --base-url URL (or set SETUP_GATEWAY_BASE_URL)."
  fi

  exec npx --yes --package "$sg_package" -- setup-gateway apply "$@"
}

main "$@"
