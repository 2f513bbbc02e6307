#!/usr/bin/env bash
# Starts sessionql on 127.0.0.1:3000 with ./data, installing Chromium first
# if it is missing. Flags and environment variables (see README) pass through:
#   scripts/run.sh --addr 127.0.0.1:4000 --token s3cret
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
go build -o bin/sessionql ./cmd/sessionql
exec ./bin/sessionql "$@"
