#!/usr/bin/env bash
# Run squall's full test suite: install the pinned LocalStack and moto (idempotent), then
# `cargo test --all-targets`, forwarding any arguments (e.g. `scripts/test.sh -- --nocapture`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/install-localstack.sh
scripts/install-moto.sh
exec cargo test --all-targets "$@"
