#!/usr/bin/env bash
# Regenerates screenshots/*.png: runs `squall --demo` in tmux, walks through the views,
# captures each screen with its colours and renders it with Pillow (installed into
# target/screenshots-venv on first use).
#
#   scripts/screenshots/take.sh                              # release build (slow: LTO)
#   SQUALL_SCREENSHOT_PROFILE=dev scripts/screenshots/take.sh  # same screens, quicker build
#
# It waits for what each screen must show (never for a fixed row) and picks its queues from
# the demo world itself (`squall --demo ls queues --json`, `peek --json`): the charts are of
# the deepest queue that is no DLQ, the viewer shows the first DLQ whose messages are SNS
# envelopes, the redrive runs on the deepest DLQ of an SQS queue. SHOT_CHART_QUEUE,
# SHOT_ENVELOPE_QUEUE and SHOT_REDRIVE_DLQ override the choices.
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
SQUALL="$ROOT/target/$BIN_DIR/squall"
COLS=120 ROWS=32 SESSION="squall-shots-$$"
# The TUI screens open this far into the demo's story (SHOT_DEMO_SKIP_S, default 7 min):
# the shipping consumer's incident is under way, as a newcomer sees it after a few minutes.
SKIP="${SHOT_DEMO_SKIP_S:-420}"
OUT=screenshots
TMP="$(mktemp -d)"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; tmux kill-session -t "$SESSION-doctor" 2>/dev/null || true; rm -rf "$TMP"' EXIT

# --- What to show, from the demo world (the same seed gives the same world) -----------------
"$SQUALL" --demo ls queues --json > "$TMP/queues.json"
pick() {
  SQUALL="$SQUALL" python3 - "$1" "$TMP/queues.json" <<'PY'
import json, os, subprocess, sys
what, path = sys.argv[1], sys.argv[2]
queues = json.load(open(path))
by_arn = {q["arn"]: q for q in queues}
sources = {}
for q in queues:
    if q.get("dlq_arn") in by_arn:
        sources.setdefault(q["dlq_arn"], []).append(q["name"])
dlqs = sorted((q for q in queues if q.get("is_dlq") and q["visible"] > 0), key=lambda q: -q["visible"])
if what == "redrive":      # the deepest DLQ of an SQS queue (native redrive serves it)
    names = [q["name"] for q in dlqs if q["arn"] in sources]
elif what == "chart":      # the deepest queue that is no DLQ: the backlog
    names = [q["name"] for q in sorted(queues, key=lambda q: -q["visible"]) if not q.get("is_dlq")]
else:                      # the first DLQ (then any queue) whose messages are SNS envelopes
    names = []
    for q in dlqs + sorted((q for q in queues if not q.get("is_dlq") and q["visible"] > 0),
                           key=lambda q: -q["visible"]):
        peek = subprocess.run([os.environ["SQUALL"], "--demo", "peek", q["name"], "-n", "1", "--json", "--yes"],
                              capture_output=True, text=True)
        try:
            body = json.loads(peek.stdout)[0]["body"]
            if json.loads(body).get("Type") == "Notification":
                names = [q["name"]]
                break
        except (ValueError, IndexError, KeyError, AttributeError):
            continue
if not names:
    sys.exit(f"take.sh: the demo world has no queue for the {what} screenshot")
print(names[0])
PY
}
CHART="${SHOT_CHART_QUEUE:-$(pick chart)}"
ENVELOPE="${SHOT_ENVELOPE_QUEUE:-$(pick envelope)}"
REDRIVE="${SHOT_REDRIVE_DLQ:-$(pick redrive)}"
echo "charts: $CHART  viewer: $ENVELOPE  redrive: $REDRIVE"

# --- Driving the pane ---------------------------------------------------------------------
tmux new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" \
  "env LANG=C.UTF-8 TERM=xterm-256color SQUALL_DEMO_SKIP_S=$SKIP $SQUALL --demo"
screen() { tmux capture-pane -p -t "${1:-$SESSION}"; }
# Waits (up to $2 s, default 30) until the screen matches the extended regex $1.
wait_for() {
  local end=$((SECONDS + ${2:-30}))
  until screen "${3:-$SESSION}" | grep -qE -- "$1"; do
    if [ "$SECONDS" -ge "$end" ]; then
      echo "take.sh: timed out waiting for /$1/ on this screen:" >&2
      screen "${3:-$SESSION}" >&2
      exit 1
    fi
    sleep 0.2
  done
}
shot() {
  sleep 0.6
  tmux capture-pane -e -p -t "${2:-$SESSION}" > "$TMP/$1.ans"
  "$VENV/bin/python" scripts/screenshots/ansi_to_png.py "$TMP/$1.ans" "$OUT/$1.png" "$COLS" "$ROWS"
  echo "screenshots/$1.png"
}
# 0.35 s between keys: an Escape followed sooner by a key arrives as Alt+key.
keys() { for k in "$@"; do tmux send-keys -t "$SESSION" "$k"; sleep 0.35; done; }
text() { tmux send-keys -t "$SESSION" -l "$1"; sleep 0.35; }
cmd() { keys ':'; text "$1"; keys Enter; }
# The :queues row of queue $1 alone (the filter is a regex on the name), selected.
select_queue() {
  cmd queues
  wait_for 'Queues'
  keys '/'; text "^$(printf '%s' "$1" | sed 's/[.]/\\./g')\$"; keys Enter
  wait_for "│${1:0:15}"
}

wait_for 'Health \[' 10
wait_for 'refreshed'
# The demo is a fleet: the board ranks every context's problems together (CONTEXT).
wait_for 'CONTEXT'
shot health
keys Escape;                          wait_for 'Queues';       shot queues
select_queue "$CHART"; keys Enter;    wait_for "$CHART depth"; shot queue-charts
cmd dlq;                          wait_for 'Dead-letter';  shot dlq
# The demo is a fleet: eu-west-1's DLQs alone, by the CONTEXT column (`/ctx:`).
keys '/'; text 'ctx:eu-west-1'; keys Enter; wait_for 'ctx:eu-west-1'; shot fleet-dlq
keys Escape
cmd topology;                     wait_for 'Topology';     shot topology
cmd topics; wait_for 'Topics'; keys Enter; wait_for 'Subscriptions'; shot topic-subscriptions
select_queue "$CHART"; keys 'd';      wait_for 'MessageRetentionPeriod'; shot describe
keys Escape '?';                      wait_for 'Help';         shot help
keys Escape

# The message viewer on an SNS envelope (a queue with a redrive policy asks first: y).
select_queue "$ENVELOPE"; keys 'p'
wait_for 'SNS envelope|Peek at' 20
if screen | grep -q 'Peek at'; then keys 'y'; wait_for 'SNS envelope' 20; fi
shot message-viewer
keys Escape

# Why it failed: a shipping DLQ message, then L: the invocations that handled it, its error
# and stack trace (the logs view).
select_queue shipping-dispatch-dlq; keys 'p'
wait_for 'sample of' 20
keys 'L'
wait_for '── invocation' 20
shot logs
keys Escape Escape

# A redrive, caught mid-way: R, the plan, confirm (typed above the threshold), progress.
select_queue "$REDRIVE"; keys 'R'
wait_for 'Enter review and confirm'
wait_for 'mode: (native|manual)'
keys Enter
wait_for 'to confirm'
if screen | grep -q "Type $REDRIVE"; then text "$REDRIVE"; keys Enter; else keys 'y'; fi
wait_for '\((([1-9])|([1-9][0-9]))%\)' 60
shot redrive-progress
keys Escape 'q'

# squall doctor, as it prints (the first screenful).
tmux new-session -d -s "$SESSION-doctor" -x "$COLS" -y "$ROWS" \
  "env LANG=C.UTF-8 TERM=xterm-256color sh -c 'echo \"\$ squall --demo doctor\"; $SQUALL --demo doctor | fold -s -w $COLS | head -n $((ROWS - 2)); sleep 60'"
wait_for 'ERRORS|WARNINGS|INFO' 30 "$SESSION-doctor"
shot doctor "$SESSION-doctor"
