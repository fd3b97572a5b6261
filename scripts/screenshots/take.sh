#!/usr/bin/env bash
# Regenerates screenshots/*.png: runs `squall --demo` in tmux, walks through the views,
# captures each screen with its colours and renders it with Pillow (installed into
# target/screenshots-venv on first use).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV=target/screenshots-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q pillow
fi
# SQUALL_SCREENSHOT_PROFILE=dev skips the slow release (LTO) build; the screens are the same.
PROFILE="${SQUALL_SCREENSHOT_PROFILE:-release}"
cargo build --profile "$PROFILE" --quiet
BIN_DIR="$PROFILE"; [ "$PROFILE" = dev ] && BIN_DIR=debug
COLS=120 ROWS=32 SESSION="squall-shots-$$"
OUT=screenshots
TMP="$(mktemp -d)"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$TMP"' EXIT
tmux new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" \
  "env LANG=C.UTF-8 TERM=xterm-256color $ROOT/target/$BIN_DIR/squall --demo"
sleep 1.5
shot() {
  sleep 0.6
  tmux capture-pane -e -p -t "$SESSION" > "$TMP/$1.ans"
  "$VENV/bin/python" scripts/screenshots/ansi_to_png.py "$TMP/$1.ans" "$OUT/$1.png" "$COLS" "$ROWS"
  echo "screenshots/$1.png"
}
# 0.35 s between keys: an Escape followed sooner by a key arrives as Alt+key.
keys() { for k in "$@"; do tmux send-keys -t "$SESSION" "$k"; sleep 0.35; done; }
shot health
keys Escape;                         shot queues
keys '/' 'orders' Enter Enter;       shot queue-charts
keys Escape Escape ':' 'dlq' Enter;  shot dlq
keys ':' 'topology' Enter;           shot topology
keys ':' 'topics' Enter Enter;       shot topic-subscriptions
keys ':' 'queues' Enter '/' 'orders' Enter 'd'; shot describe
keys Escape Escape '?';              shot help
keys Escape 'q'
