#!/usr/bin/env bash
# Install the pinned Zig toolchain and cargo-zigbuild that scripts/dist builds release binaries
# with, into a private venv (both come from PyPI, so CI needs no other download).
#
#   scripts/install-zig.sh
#
# * venv: target/tools/zig-venv (override with SQUALL_ZIG_VENV; relative to the repo root if
#   relative)
# * interpreter: any Python 3.9 to 3.13 with a working venv module (as for moto)
# * packages: exactly ziglang and cargo-zigbuild at the versions below, --no-deps: Zig is the
#   C compiler and linker that targets an old glibc (its own stubs for, e.g., glibc 2.17), and
#   cargo-zigbuild wires it into cargo for the target and for C parts such as aws-lc-sys.
#
# Idempotent and safe to run concurrently: see scripts/lib/venv.sh.
set -euo pipefail
# shellcheck source=lib/venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/venv.sh"

ZIG_VERSION=0.15.2
ZIGBUILD_VERSION=0.24.1
SPECS=("ziglang==$ZIG_VERSION" "cargo-zigbuild==$ZIGBUILD_VERSION")
venv_init zig SQUALL_ZIG_VENV "$ROOT/target/tools"
# Bump when the install steps change, so existing venvs are brought up to date.
RECIPE=1
venv_open "$(printf '%s\n' "${SPECS[@]}" | sha256sum | cut -d' ' -f1) recipe-$RECIPE" 9 13 \
    bin/cargo-zigbuild

log "installing ${SPECS[*]} (pip --no-deps)"
"$VENV/bin/python" -m pip install -q --no-deps "${SPECS[@]}" || die "pip install ${SPECS[*]} failed"

log "checking that zig $ZIG_VERSION and cargo-zigbuild $ZIGBUILD_VERSION run"
zig="$("$VENV/bin/python" -m ziglang version)" || die "zig does not run from $VENV"
[ "$zig" = "$ZIG_VERSION" ] || die "zig $zig installed, want $ZIG_VERSION"
"$VENV/bin/cargo-zigbuild" --version | grep -qF "$ZIGBUILD_VERSION" ||
    die "cargo-zigbuild $ZIGBUILD_VERSION does not run from $VENV"

venv_close
