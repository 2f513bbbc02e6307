#!/usr/bin/env bash
# Runs every test: formatting, vet and staticcheck, then the Go tests, which drive a real
# Chromium and, through Node, puppeteer-core and playwright-core. Installs
# what is missing first. Extra arguments go to `go test` (e.g. -run Journey).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
go mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy" >&2; exit 1; }
go vet ./...
# Every OS builds; Linux-only code sits in _linux files (issue #12).
GOOS=darwin go build ./...
GOOS=windows go vet ./...
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
# One package at a time: each package's tests already run browsers side by
# side, and two packages at once on a 2-core machine turn page timings
# (BotD reads a new tab's window size at load) into noise.
go test -p 1 -count=1 -timeout 15m "$@" ./...
