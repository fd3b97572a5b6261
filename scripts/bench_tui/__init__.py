"""Helpers of scripts/bench-tui: the emulator, the counting proxy, the tmux pane, the measurements."""
