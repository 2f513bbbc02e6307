#!/usr/bin/env bash
# Installs what sessionql needs on a fresh Debian/Ubuntu machine: Chromium
# (Debian's package), the ad filter lists and, for the tests, the Node packages of the test
# clients. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_chromium() {
  if command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null; then
    return
  fi
  echo "setup: installing Chromium (apt)" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

# ensure_ad_lists puts the filter lists blockAds reads by default in
# /usr/local/share/sessionql/adlists: EasyList and EasyPrivacy as Debian's
# uBlock Origin package ships them. Only the lists are taken from the
# package: installing it would make Debian's chromium wrapper load the
# extension into every session. `scripts/setup.sh --update-ad-lists` fetches
# the package's current lists again.
ad_lists=/usr/local/share/sessionql/adlists
ensure_ad_lists() {
  [ -f $ad_lists/easylist.txt ] && [ "${1:-}" != --update ] && return
  echo "setup: fetching the ad filter lists (apt: webext-ublock-origin-chromium, lists only)" >&2
  local tmp; tmp=$(mktemp -d)
  chmod 755 "$tmp"
  as_root apt-get update -qq
  (cd "$tmp" && as_root apt-get download -qq webext-ublock-origin-chromium 2>/dev/null)
  dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" --wildcards '*/thirdparties/easylist/*.txt'
  as_root mkdir -p $ad_lists
  as_root cp "$tmp"/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/*.txt $ad_lists/
  rm -rf "$tmp"
}

# ensure_npm installs a folder's locked Node packages when they are missing
# or older than its lockfile; --engine-strict fails when a package's engines
# exclude this Node (puppeteer-core 25 wants Node 22.12, we install 20).
ensure_npm() {
  local dir=$1
  [ -f "$dir/package-lock.json" ] || return 0
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    echo "setup: npm ci in $dir" >&2
    (cd "$dir" && npm ci --engine-strict --no-audit --no-fund --loglevel=error) >&2
    touch "$dir/node_modules"
  fi
}

# ensure_postgres installs PostgreSQL, which the store tests start in a
# folder of their own (initdb, a free port); the machine's own cluster is
# not used.
ensure_postgres() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && return
  echo "setup: installing PostgreSQL (apt)" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# ensure_versitygw builds the S3-compatible server the store tests run,
# once, into the user's cache (about two minutes); the version is the one
# internal/testutil/s3.go names.
ensure_versitygw() {
  local version bin
  version=$(sed -n 's/^const versitygwVersion = "\(.*\)"$/\1/p' internal/testutil/s3.go)
  bin="${XDG_CACHE_HOME:-$HOME/.cache}/sessionql/bin/versitygw-$version"
  [ -x "$bin/versitygw" ] && return
  echo "setup: building versitygw $version into $bin" >&2
  GOBIN="$bin" go install "github.com/versity/versitygw/cmd/versitygw@$version"
}

ensure_chromium
if [ "${1:-}" = "--update-ad-lists" ]; then
  ensure_ad_lists --update
  exit 0
fi
ensure_ad_lists
if [ "${1:-}" = "--test" ]; then
  ensure_postgres   # the PostgreSQL store's tests
  ensure_versitygw  # the S3 profile store's tests
  ensure_npm e2e # puppeteer-core and playwright-core, the CDP test clients
  ensure_npm examples/puppeteer
  ensure_npm examples/playwright
fi
