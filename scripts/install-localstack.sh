#!/usr/bin/env bash
# Install the pinned LocalStack used by squall's emulator tests into a private venv.
#
#   scripts/install-localstack.sh
#
# * venv: target/emulators/localstack-venv (override with SQUALL_LOCALSTACK_VENV)
# * interpreter: Python 3.13 (python3.13 on PATH, else pyenv 3.13.0, else any pyenv 3.13.*);
#   LocalStack fails at import on 3.11/3.12.
# * packages: exactly scripts/emulators/localstack-requirements.txt, installed with --no-deps
#   (the set is deliberately pinned; pip's resolver rejects it and newer cbor2/pyOpenSSL/
#   cryptography break the runtime).
#
# It also pre-builds LocalStack's service catalog index into $VENV/squall-static (the harness in
# tests/support links it into each emulator's static-libs dir; without it every fresh emulator
# spends ~3 s building the index on its first request).
#
# Idempotent: a marker file in the venv records the sha256 of the requirements file (and the
# recipe version below) and is written only after a successful install; when it matches, the
# script exits at once.
# Safe to run concurrently: the install itself happens under flock(1).
set -euo pipefail

log() { printf 'install-localstack: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQS="$ROOT/scripts/emulators/localstack-requirements.txt"
EMU_DIR="$ROOT/target/emulators"
VENV="${SQUALL_LOCALSTACK_VENV:-$EMU_DIR/localstack-venv}"
case "$VENV" in
/*) ;;
*) VENV="$ROOT/$VENV" ;;
esac
MARKER="$VENV/.installed"
LOCK="$EMU_DIR/localstack-install.lock"

[ -f "$REQS" ] || die "requirements file not found: $REQS"
command -v sha256sum >/dev/null || die "sha256sum not found"
# Bump when the install steps change, so existing venvs are brought up to date.
RECIPE=2
WANT="$(sha256sum "$REQS" | cut -d' ' -f1) recipe-$RECIPE"

up_to_date() {
    [ -x "$VENV/bin/python" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT" ]
}

# Fast path, no lock needed: the marker is only ever written (atomically) after success.
if up_to_date; then
    exit 0
fi

# True if "$1" runs and is Python 3.13.x. (A pyenv shim for python3.13 exists on PATH even when
# the selected pyenv version is not 3.13, and then fails — so actually run it.)
is_py313() {
    [ -n "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else 1)' \
        >/dev/null 2>&1
}

find_python() {
    local cand prefix
    if cand="$(command -v python3.13 2>/dev/null)" && is_py313 "$cand"; then
        echo "$cand"
        return 0
    fi
    if command -v pyenv >/dev/null 2>&1; then
        if prefix="$(pyenv prefix 3.13.0 2>/dev/null)" && is_py313 "$prefix/bin/python"; then
            echo "$prefix/bin/python"
            return 0
        fi
        # Any other installed 3.13.x, newest first.
        local v
        for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.13\.[0-9]+$' | sort -t. -k3,3nr); do
            if prefix="$(pyenv prefix "$v" 2>/dev/null)" && is_py313 "$prefix/bin/python"; then
                echo "$prefix/bin/python"
                return 0
            fi
        done
    fi
    # pyenv installed but not on PATH (e.g. a non-interactive shell).
    for cand in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13.*/bin/python; do
        if is_py313 "$cand"; then
            echo "$cand"
            return 0
        fi
    done
    return 1
}

mkdir -p "$EMU_DIR"
command -v flock >/dev/null || die "flock not found (util-linux)"
exec 9>"$LOCK"
if ! flock -n 9; then
    log "another install is running; waiting for the lock ($LOCK)"
    flock 9
fi

# Somebody else may have finished the install while we waited.
if up_to_date; then
    log "already installed by a concurrent run: $VENV"
    exit 0
fi

start=$SECONDS
rm -f "$MARKER"

if [ -x "$VENV/bin/python" ] && is_py313 "$VENV/bin/python"; then
    log "reusing existing venv $VENV"
else
    PY="$(find_python)" || die "Python 3.13 not found: install it (e.g. 'pyenv install 3.13.0') or put python3.13 on PATH"
    if [ -e "$VENV" ]; then
        log "removing unusable venv $VENV"
        rm -rf "$VENV"
    fi
    log "creating venv $VENV with $PY"
    "$PY" -m venv "$VENV"
fi

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

printf '%s\n' "$WANT" >"$MARKER.tmp.$$"
mv -f "$MARKER.tmp.$$" "$MARKER"
log "done in $((SECONDS - start)) s: $VENV"
