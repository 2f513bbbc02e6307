#!/usr/bin/env bash
# The persisted-state workflow with curl: create a stealth session, toggle
# dark mode on a docs page, read the theme back in a second request, stop.
# Needs a running sessionql (scripts/run.sh) and python3 for the local page.
#   SESSIONQL=http://127.0.0.1:3000 TOKEN=... examples/curl/persisted-state.sh
set -euo pipefail
server=${SESSIONQL:-http://127.0.0.1:3000}
auth=()
[ -n "${TOKEN:-}" ] && auth=(-H "Authorization: Bearer $TOKEN")
here=$(cd "$(dirname "$0")/../.." && pwd)

# Serve the example page on a free local port.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$here/testdata/pages" >/dev/null 2>&1 &
page_server=$!
trap 'kill $page_server' EXIT
sleep 0.5
docs="http://127.0.0.1:$port/docs/"

session=$(curl -sf "${auth[@]}" -XPOST "$server/session" -H 'Content-Type: application/json' -d '{"ttl": 300000, "stealth": true}')
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
bql=$(echo "$session" | field '["browserQL"]')
stop=$(echo "$session" | field '["stop"]')
echo "session $(echo "$session" | field '["id"]')"

curl -sf -XPOST "$bql" -H 'Content-Type: application/json' -d @- <<JSON
{"query": "mutation SetDarkMode { goto(url: \"$docs\", waitUntil: networkIdle) { status } click(selector: \"div.toggle_vylO.colorModeToggle_x44X > button\") { time } }"}
JSON
echo
theme=$(curl -sf -XPOST "$bql" -H 'Content-Type: application/json' -d @- <<JSON | field '["data"]["theme"]["value"]'
{"query": "mutation { goto(url: \"$docs\") { status } theme: evaluate(content: \"return localStorage.getItem('theme');\") { value } }"}
JSON
)
echo "theme after the toggle: $theme"
curl -sf -XDELETE "$stop" -o /dev/null -w "stopped: HTTP %{http_code}\n"
[ "$theme" = dark ]
