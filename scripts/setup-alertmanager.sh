#!/usr/bin/env bash
# Checks an Alertmanager config with amtool and makes a running Alertmanager load it
# (POST /-/reload). A config amtool rejects is never installed nor loaded.
#
#   ALERTMANAGER_URL=http://localhost:9093 scripts/setup-alertmanager.sh [CONFIG.yml]
#
# Environment:
#   ALERTMANAGER_URL          Alertmanager's base URL (default http://localhost:9093)
#   ALERTMANAGER_CONFIG_DEST  where the running Alertmanager reads its config (its --config.file),
#                             when that is not the checked file itself: the file is copied there
#                             after the check. Unset: Alertmanager already reads CONFIG.yml (as
#                             deploy/docker-compose.monitoring.yml mounts it).
#   ALERTMANAGER_TOKEN        a Bearer token, or ALERTMANAGER_USER and ALERTMANAGER_PASSWORD for
#                             basic auth, when Alertmanager runs behind --web.config.file
#   AMTOOL                    the amtool binary (default: amtool on PATH)
# CONFIG.yml defaults to deploy/alertmanager/alertmanager.yml. Exit codes: 0 checked and loaded,
# 1 the check or the reload failed, 2 missing tools or files.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
config="${1:-$here/../deploy/alertmanager/alertmanager.yml}"
url="${ALERTMANAGER_URL:-http://localhost:9093}"
url="${url%/}"
amtool="${AMTOOL:-amtool}"

fail() { echo "setup-alertmanager: $*" >&2; exit 1; }
usage_fail() { echo "setup-alertmanager: $*" >&2; exit 2; }

command -v curl >/dev/null 2>&1 || usage_fail "curl is required but not installed"
command -v "$amtool" >/dev/null 2>&1 || usage_fail "amtool is required but not found ($amtool); install it with: apt-get install prometheus-alertmanager"
[[ -f "$config" ]] || usage_fail "no config file $config"

echo "checking $config with amtool"
if ! output="$("$amtool" check-config "$config" 2>&1)"; then
  echo "$output" >&2
  fail "amtool rejected $config; nothing was installed or reloaded"
fi
echo "$output"

if [[ -n "${ALERTMANAGER_CONFIG_DEST:-}" ]]; then
  # Copy next to the destination, then rename: Alertmanager never reads a half-written file.
  cp "$config" "$ALERTMANAGER_CONFIG_DEST.tmp.$$"
  mv -f "$ALERTMANAGER_CONFIG_DEST.tmp.$$" "$ALERTMANAGER_CONFIG_DEST"
  echo "installed $config as $ALERTMANAGER_CONFIG_DEST"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"
headers="$work/headers"
(umask 077 && : >"$headers")
if [[ -n "${ALERTMANAGER_TOKEN:-}" ]]; then
  printf 'Authorization: Bearer %s\n' "$ALERTMANAGER_TOKEN" >>"$headers"
elif [[ -n "${ALERTMANAGER_USER:-}" && -n "${ALERTMANAGER_PASSWORD:-}" ]]; then
  printf 'Authorization: Basic %s\n' "$(printf '%s:%s' "$ALERTMANAGER_USER" "$ALERTMANAGER_PASSWORD" | base64 | tr -d '\n')" >>"$headers"
fi

# call METHOD PATH: prints the HTTP status (000 when nothing answered); the body is in $work/response.
call() {
  curl --silent --show-error --max-time 30 --output "$work/response" --write-out '%{http_code}' --header "@$headers" --request "$1" "$url$2" 2>"$work/curl-error" || true
}

status="$(call POST /-/reload)"
case "$status" in
  200) echo "Alertmanager at $url reloaded its config" ;;
  000) fail "no answer from Alertmanager at $url: $(tr '\n' ' ' <"$work/curl-error")" ;;
  # Alertmanager answers 500 with the reason when the file it reads does not load.
  *) fail "Alertmanager at $url did not reload (HTTP $status): $(head -c 500 "$work/response" | tr '\n' ' ')" ;;
esac

# The reload answer comes after the load; /-/ready confirms it still serves with the new config.
status="$(call GET /-/ready)"
[[ "$status" == "200" ]] || fail "Alertmanager at $url is not ready after the reload (HTTP $status)"
echo "Alertmanager at $url is ready"
