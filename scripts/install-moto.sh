#!/usr/bin/env bash
# Install the pinned moto server used by squall's moto compatibility tests into a private venv.
#
#   scripts/install-moto.sh
#
# * venv: target/emulators/moto-venv (override with SQUALL_MOTO_VENV; relative to the repo root
#   if relative)
# * interpreter: any Python 3.9 to 3.13 with a working venv module (python3 on PATH first, then
#   python3.13 … python3.9, then pyenv versions, newest first)
# * packages: exactly moto[server]==5.2.5; pip resolves its dependencies.
#
# Idempotent and safe to run concurrently: see scripts/lib/venv.sh.
set -euo pipefail
# shellcheck source=lib/venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/venv.sh"

MOTO_VERSION=5.2.5
SPEC="moto[server]==$MOTO_VERSION"
venv_init moto SQUALL_MOTO_VENV
# Bump when the install steps change, so existing venvs are brought up to date.
RECIPE=1
venv_open "$(printf '%s\n' "$SPEC" | sha256sum | cut -d' ' -f1) recipe-$RECIPE" 9 13 bin/moto_server

log "installing $SPEC (pip resolves its dependencies)"
"$VENV/bin/python" -m pip install -q "$SPEC" || die "pip install '$SPEC' failed"

log "checking that moto $MOTO_VERSION and its server import"
"$VENV/bin/python" -c "
import sys
import moto, moto.server
if moto.__version__ != '$MOTO_VERSION':
    sys.exit('moto ' + moto.__version__ + ' installed, want $MOTO_VERSION')
" || die "moto $MOTO_VERSION does not import in $VENV"
[ -x "$VENV/bin/moto_server" ] || die "no moto_server in $VENV/bin"

venv_close
