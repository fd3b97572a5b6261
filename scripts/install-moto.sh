#!/usr/bin/env bash
# Install the pinned moto server used by squall's moto compatibility tests into a private venv.
#
#   scripts/install-moto.sh
#
# * venv: target/emulators/moto-venv (override with SQUALL_MOTO_VENV; relative to the repo root
#   if relative)
# * interpreter: any Python >= 3.9 with a working venv module (python3 on PATH first, then
#   python3.13 … python3.9, then pyenv versions, newest first)
# * packages: exactly moto[server]==5.2.5; pip resolves its dependencies.
#
# Idempotent: a marker file in the venv records the sha256 of the package spec (and the recipe
# version below) and is written only after a successful install; when it matches, the script
# exits at once.
# Safe to run concurrently: the install itself happens under flock(1).
set -euo pipefail

log() { printf 'install-moto: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOTO_VERSION=5.2.5
SPEC="moto[server]==$MOTO_VERSION"
EMU_DIR="$ROOT/target/emulators"
VENV="${SQUALL_MOTO_VENV:-$EMU_DIR/moto-venv}"
case "$VENV" in
/*) ;;
*) VENV="$ROOT/$VENV" ;;
esac
MARKER="$VENV/.installed"
LOCK="$EMU_DIR/moto-install.lock"

command -v sha256sum >/dev/null || die "sha256sum not found"
# Bump when the install steps change, so existing venvs are brought up to date.
RECIPE=1
WANT="$(printf '%s\n' "$SPEC" | sha256sum | cut -d' ' -f1) recipe-$RECIPE"

up_to_date() {
    [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/moto_server" ] && [ -f "$MARKER" ] &&
        [ "$(cat "$MARKER")" = "$WANT" ]
}

# Fast path, no lock needed: the marker is only ever written (atomically) after success.
if up_to_date; then
    exit 0
fi

# True if "$1" runs, is Python >= 3.9 and can create venvs. (pyenv shims exist on PATH even
# for versions that are not selected, and then fail — so actually run it.)
is_usable_python() {
    [ -n "$1" ] && "$1" -c '
import sys
if sys.version_info < (3, 9):
    sys.exit(1)
import venv, ensurepip
' >/dev/null 2>&1
}

find_python() {
    local cand prefix v
    for cand in python3 python3.13 python3.12 python3.11 python3.10 python3.9; do
        if cand="$(command -v "$cand" 2>/dev/null)" && is_usable_python "$cand"; then
            # The real interpreter, not a pyenv shim (whose target may change later).
            "$cand" -c 'import sys; print(sys.executable)'
            return 0
        fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.[0-9]+\.[0-9]+$' |
            sort -t. -k2,2nr -k3,3nr); do
            if prefix="$(pyenv prefix "$v" 2>/dev/null)" && is_usable_python "$prefix/bin/python"; then
                echo "$prefix/bin/python"
                return 0
            fi
        done
    fi
    # pyenv installed but not on PATH (e.g. a non-interactive shell).
    for cand in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*/bin/python; do
        if is_usable_python "$cand"; then
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

if [ -x "$VENV/bin/python" ] && is_usable_python "$VENV/bin/python"; then
    log "reusing existing venv $VENV"
else
    PY="$(find_python)" ||
        die "no Python >= 3.9 with the venv module found: install one (e.g. 'pyenv install 3.13.0', or apt-get install python3-venv)"
    if [ -e "$VENV" ]; then
        log "removing unusable venv $VENV"
        rm -rf "$VENV"
    fi
    log "creating venv $VENV with $PY ($("$PY" -c 'import sys; print(sys.version.split()[0])'))"
    "$PY" -m venv "$VENV" || die "creating the venv with $PY failed"
fi

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

printf '%s\n' "$WANT" >"$MARKER.tmp.$$"
mv -f "$MARKER.tmp.$$" "$MARKER"
log "done in $((SECONDS - start)) s: $VENV"
