#!/usr/bin/env bash
# Install the pinned LocalStack used by squall's emulator tests into a private venv.
#
#   scripts/install-localstack.sh
#
# * venv: target/emulators/localstack-venv (override with SQUALL_LOCALSTACK_VENV; relative to the
#   repo root if relative)
# * interpreter: Python 3.13 (python3.13 on PATH, else a pyenv 3.13.*); LocalStack fails at
#   import on 3.11/3.12.
# * packages: exactly scripts/emulators/localstack-requirements.txt, installed with --no-deps
#   (the set is deliberately pinned; pip's resolver rejects it and newer cbor2/pyOpenSSL/
#   cryptography break the runtime).
#
# It also pre-builds LocalStack's service catalog index into $VENV/squall-static (the harness in
# tests/support links it into each emulator's static-libs dir; without it every fresh emulator
# spends ~3 s building the index on its first request).
#
# Idempotent and safe to run concurrently: see scripts/lib/venv.sh.
set -euo pipefail
# shellcheck source=lib/venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/venv.sh"

venv_init localstack SQUALL_LOCALSTACK_VENV
REQS="$ROOT/scripts/emulators/localstack-requirements.txt"
[ -f "$REQS" ] || die "requirements file not found: $REQS"
# Bump when the install steps change, so existing venvs are brought up to date.
RECIPE=2
venv_open "$(sha256sum "$REQS" | cut -d' ' -f1) recipe-$RECIPE" 13 13

log "installing pinned packages from ${REQS#"$ROOT"/} (pip --no-deps; ~35 s from a warm cache)"
"$VENV/bin/python" -m pip install -q --no-deps -r "$REQS"

log "checking that localstack imports"
"$VENV/bin/python" -c 'import localstack.runtime.main' ||
    die "localstack does not import in $VENV"

log "pre-building the service catalog index"
STATIC="$VENV/squall-static"
rm -rf "$STATIC" "$STATIC.tmp"
mkdir -p "$STATIC.tmp/usr/lib/localstack"
OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$STATIC.tmp" DISABLE_EVENTS=1 \
    "$VENV/bin/python" -m localstack.aws.spec ||
    die "building the service catalog index failed"
mv "$STATIC.tmp/usr/lib/localstack" "$STATIC"
rm -rf "$STATIC.tmp"
ls "$STATIC"/service-catalog-*.dill >/dev/null 2>&1 || die "no service catalog index in $STATIC"

venv_close
