#!/bin/sh
# Rebuild detect.bundle.js from detect.js with the pinned dependencies.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npm run build
