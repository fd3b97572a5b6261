# shellcheck shell=bash
# Sourced by scripts/install-*.sh: a private Python venv for one emulator under target/emulators,
# installed once and then reused.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/venv.sh"
#   venv_init moto SQUALL_MOTO_VENV           # names, paths, log prefix (a third argument:
#                                             # the parent dir, default target/emulators)
#   venv_open "$WANT" 9 13 bin/moto_server    # exits 0 at once when installed as $WANT;
#                                             # else locks, finds Python 3.9-3.13, makes $VENV
#   "$VENV/bin/python" -m pip install ...     # the script's own steps
#   venv_close                                # records $WANT: the next run exits at once
#
# * venv: $OVERRIDE_VAR if set (relative to the repo root if relative), else
#   target/emulators/NAME-venv (or PARENT/NAME-venv for a tool that is no emulator).
#   tests/support/emulator.rs applies the same rule.
# * Idempotent: a marker file in the venv holds $WANT (a hash of what is installed, and the
#   recipe version) and is written, atomically, only after a successful install.
# * Safe to run concurrently: the install happens under flock(1); a run that waited for the lock
#   and finds the install done exits.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
EMU_DIR="$ROOT/target/emulators"

log() { printf '%s: %s\n' "$VENV_LOG_NAME" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# venv_init NAME OVERRIDE_VAR [PARENT]: sets VENV, MARKER and LOCK for emulator (or tool) NAME,
# installed under PARENT (default target/emulators).
venv_init() {
    local name="$1" override_var="$2"
    EMU_DIR="${3:-$EMU_DIR}"
    VENV_LOG_NAME="install-$name"
    VENV="${!override_var:-$EMU_DIR/$name-venv}"
    case "$VENV" in
    /*) ;;
    *) VENV="$ROOT/$VENV" ;;
    esac
    MARKER="$VENV/.installed"
    LOCK="$EMU_DIR/$name-install.lock"
    command -v sha256sum >/dev/null || die "sha256sum not found"
    command -v flock >/dev/null || die "flock not found (util-linux)"
}

# True if the venv is installed as $VENV_WANT, with each of $VENV_EXECUTABLES.
venv_up_to_date() {
    local exe
    [ -x "$VENV/bin/python" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$VENV_WANT" ] ||
        return 1
    for exe in "${VENV_EXECUTABLES[@]}"; do
        [ -x "$VENV/$exe" ] || return 1
    done
}

# venv_open WANT MIN_MINOR MAX_MINOR [EXECUTABLE...]: exits 0 when the venv is installed as WANT
# (with each EXECUTABLE, relative to the venv). Otherwise takes the install lock, removes the
# marker, and leaves a venv of a Python 3.MIN_MINOR to 3.MAX_MINOR at $VENV for the script's
# own steps (the existing one when its Python fits).
venv_open() {
    VENV_WANT="$1"
    VENV_MIN_MINOR="$2"
    VENV_MAX_MINOR="$3"
    VENV_EXECUTABLES=("${@:4}")

    # Fast path, no lock needed: the marker is only ever written (atomically) after success.
    if venv_up_to_date; then
        exit 0
    fi

    mkdir -p "$EMU_DIR"
    exec 9>"$LOCK"
    if ! flock -n 9; then
        log "another install is running; waiting for the lock ($LOCK)"
        flock 9
    fi
    # Somebody else may have finished the install while we waited.
    if venv_up_to_date; then
        log "already installed by a concurrent run: $VENV"
        exit 0
    fi

    VENV_STARTED=$SECONDS
    rm -f "$MARKER"
    local py
    if python_fits "$VENV/bin/python"; then
        log "reusing existing venv $VENV"
        return 0
    fi
    py="$(find_python)" ||
        die "no Python 3.$VENV_MIN_MINOR to 3.$VENV_MAX_MINOR with the venv module found: install one (e.g. 'pyenv install 3.13.0', or apt-get install python3-venv)"
    if [ -e "$VENV" ]; then
        log "removing unusable venv $VENV"
        rm -rf "$VENV"
    fi
    log "creating venv $VENV with $py ($("$py" -c 'import sys; print(sys.version.split()[0])'))"
    "$py" -m venv "$VENV" || die "creating the venv with $py failed"
}

# venv_close: records the install as done (the next run exits at once).
venv_close() {
    printf '%s\n' "$VENV_WANT" >"$MARKER.tmp.$$"
    mv -f "$MARKER.tmp.$$" "$MARKER"
    log "done in $((SECONDS - VENV_STARTED)) s: $VENV"
}

# True if "$1" runs, is a Python 3.MIN_MINOR to 3.MAX_MINOR and can create venvs. (A pyenv shim
# exists on PATH even for a version that is not selected, and then fails: so actually run it.)
python_fits() {
    [ -x "$1" ] && "$1" -c "
import sys
if not ((3, $VENV_MIN_MINOR) <= sys.version_info[:2] <= (3, $VENV_MAX_MINOR)):
    sys.exit(1)
import venv, ensurepip
" >/dev/null 2>&1
}

# Prints the first fitting interpreter: python3, then python3.MAX … python3.MIN on PATH, then
# pyenv's versions and those under $PYENV_ROOT (pyenv not on PATH, e.g. a non-interactive
# shell), newest first.
find_python() {
    local cand minor
    for cand in python3 $(seq -f 'python3.%g' "$VENV_MAX_MINOR" -1 "$VENV_MIN_MINOR"); do
        if cand="$(command -v "$cand" 2>/dev/null)" && python_fits "$cand"; then
            # The real interpreter, not a pyenv shim (whose target may change later).
            "$cand" -c 'import sys; print(sys.executable)'
            return 0
        fi
    done
    for cand in $(pyenv_pythons | sort -rV); do
        if python_fits "$cand"; then
            echo "$cand"
            return 0
        fi
    done
    return 1
}

# Every pyenv Python 3 interpreter, one a line, in no particular order.
pyenv_pythons() {
    local version prefix cand
    if command -v pyenv >/dev/null 2>&1; then
        for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.[0-9]+\.[0-9]+$'); do
            if prefix="$(pyenv prefix "$version" 2>/dev/null)"; then
                echo "$prefix/bin/python"
            fi
        done
    fi
    for cand in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*/bin/python; do
        [ -x "$cand" ] && echo "$cand"
    done
    return 0
}
