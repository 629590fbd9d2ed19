#!/usr/bin/env bash
# Imports the AMAS dashboards into a running Grafana through its HTTP API (POST /api/dashboards/db),
# for a Grafana that does not load deploy/grafana/provisioning itself. Re-running it overwrites the
# dashboards with the same uid; nothing else in Grafana is changed.
#
#   GRAFANA_URL=http://localhost:3000 GRAFANA_TOKEN=glsa_... scripts/import-grafana-dashboards.sh [FILE.json ...]
#
# Environment:
#   GRAFANA_URL        Grafana's base URL (default http://localhost:3000)
#   GRAFANA_TOKEN      a service account token (Editor role or more), sent as a Bearer token; or
#   GRAFANA_USER, GRAFANA_PASSWORD   basic auth (e.g. admin and GF_SECURITY_ADMIN_PASSWORD)
#   GRAFANA_FOLDER     folder title to import into, created when missing (default AMAS; empty: General)
#   GRAFANA_FOLDER_UID its uid (default amas)
# Files default to deploy/grafana/dashboards/*.json. Credentials go to curl through a private
# temporary file, never on its command line. Exit codes: 0 all imported, 1 an import failed,
# 2 missing credentials, tools or files.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url="${GRAFANA_URL:-http://localhost:3000}"
url="${url%/}"
folder="${GRAFANA_FOLDER-AMAS}"
folder_uid="${GRAFANA_FOLDER_UID:-amas}"

fail() { echo "import-grafana-dashboards: $*" >&2; exit 1; }
usage_fail() { echo "import-grafana-dashboards: $*" >&2; exit 2; }

for tool in curl jq base64; do
  command -v "$tool" >/dev/null 2>&1 || usage_fail "$tool is required but not installed"
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"
headers="$work/headers"
(umask 077 && : >"$headers")
if [[ -n "${GRAFANA_TOKEN:-}" ]]; then
  printf 'Authorization: Bearer %s\n' "$GRAFANA_TOKEN" >>"$headers"
elif [[ -n "${GRAFANA_USER:-}" && -n "${GRAFANA_PASSWORD:-}" ]]; then
  printf 'Authorization: Basic %s\n' "$(printf '%s:%s' "$GRAFANA_USER" "$GRAFANA_PASSWORD" | base64 | tr -d '\n')" >>"$headers"
else
  usage_fail "no credentials: set GRAFANA_TOKEN (a service account token), or GRAFANA_USER and GRAFANA_PASSWORD"
fi
printf 'Content-Type: application/json\nAccept: application/json\n' >>"$headers"

if [[ $# -gt 0 ]]; then files=("$@"); else files=("$here"/../deploy/grafana/dashboards/*.json); fi
for file in "${files[@]}"; do
  [[ -f "$file" ]] || usage_fail "no dashboard file $file"
  jq -e 'type == "object" and (.uid | type == "string") and (.title | type == "string")' "$file" >/dev/null 2>&1 ||
    usage_fail "$file is not a dashboard JSON with a uid and a title"
done

# call METHOD PATH [BODY_FILE]: prints the HTTP status (000 when Grafana did not answer); the
# response body is left in $work/response.
call() {
  local args=(--silent --show-error --max-time 30 --output "$work/response" --write-out '%{http_code}' --header "@$headers" --request "$1")
  if [[ -n "${3:-}" ]]; then args+=(--data-binary "@$3"); fi
  curl "${args[@]}" "$url$2" 2>"$work/curl-error" || true
}
# What Grafana said, on one line: its JSON "message", or the start of the body.
said() { jq -r '.message // empty' "$work/response" 2>/dev/null || head -c 200 "$work/response" | tr '\n' ' '; }

status="$(call GET /api/health)"
if [[ "$status" == "000" ]]; then fail "no answer from Grafana at $url: $(tr '\n' ' ' <"$work/curl-error")"; fi

# The dashboards name their datasource by uid; without it their panels show "datasource not found".
status="$(call GET /api/datasources/uid/amas-prometheus)"
case "$status" in
  200) ;;
  401|403) fail "Grafana at $url refused the credentials (HTTP $status: $(said))" ;;
  *) echo "import-grafana-dashboards: warning: Grafana has no datasource with uid amas-prometheus (HTTP $status); add deploy/grafana/provisioning/datasources/prometheus.yml or the panels will have no data" >&2 ;;
esac

if [[ -n "$folder" ]]; then
  status="$(call GET "/api/folders/$folder_uid")"
  if [[ "$status" == "404" ]]; then
    jq -n --arg uid "$folder_uid" --arg title "$folder" '{uid: $uid, title: $title}' >"$work/folder.json"
    status="$(call POST /api/folders "$work/folder.json")"
    [[ "$status" == "200" ]] || fail "could not create the folder $folder (uid $folder_uid): HTTP $status: $(said)"
    echo "created folder $folder (uid $folder_uid)"
  elif [[ "$status" != "200" ]]; then
    fail "could not read the folder uid $folder_uid: HTTP $status: $(said)"
  fi
fi

failed=0
for file in "${files[@]}"; do
  # id null: Grafana matches by uid, so the same file imports into any Grafana.
  jq --arg folder_uid "$folder" --arg uid "$folder_uid" \
    '{dashboard: (. + {id: null}), overwrite: true, message: "imported by scripts/import-grafana-dashboards.sh"} + (if $folder_uid == "" then {} else {folderUid: $uid} end)' \
    "$file" >"$work/payload.json"
  title="$(jq -r .title "$file")"
  status="$(call POST /api/dashboards/db "$work/payload.json")"
  if [[ "$status" == "200" ]]; then
    echo "imported $(basename "$file"): $title -> $url$(jq -r '.url // ""' "$work/response")"
  else
    failed=$((failed + 1))
    if [[ "$status" == "000" ]]; then
      echo "FAILED $(basename "$file"): no answer from Grafana: $(tr '\n' ' ' <"$work/curl-error")" >&2
    else
      echo "FAILED $(basename "$file"): HTTP $status: $(said)" >&2
    fi
  fi
done

[[ $failed -eq 0 ]] || fail "$failed of ${#files[@]} dashboards were not imported"
echo "${#files[@]} dashboards imported into $url"
