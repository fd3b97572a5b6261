"""tmux pipe-pane target: appends the pane's output to FILE byte for byte (like `cat >>
FILE`) and logs each chunk read as "seconds-since-start bytes" to FILE.chunks; touches
FILE.done when tmux closes the pipe."""

import os
import sys
import time
from pathlib import Path

path = Path(sys.argv[1])
start = time.monotonic()
with open(path, "ab") as out, open(path.with_suffix(".chunks"), "a") as log:
    while True:
        chunk = os.read(0, 65536)
        if not chunk:
            break
        out.write(chunk)
        out.flush()
        log.write(f"{time.monotonic() - start:.3f} {len(chunk)}\n")
        log.flush()
path.with_suffix(".done").touch()
