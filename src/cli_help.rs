//! The long help of `squall redrive` (`--help`): what a run does, its journal, its filter
//! and its exit codes. Kept beside `cli.rs` so the flags stay readable there.

pub const REDRIVE_HELP: &str = "\
A plan comes first, computed without changing anything: the DLQ's sources (queues whose
redrive policy targets it, SNS subscriptions whose own redrive policy does), where each
message goes, the mode, and warnings. --dry-run prints it; without --yes squall prints it
and stops.

Modes: native runs an SQS message move task (the work runs inside AWS; DLQs of SQS queues
only, no filter or limit, at most 500 msg/s). manual receives, sends, then deletes only what
was sent: body byte for byte, every attribute, FIFO group and a stable deduplication id,
each message back to the queue its DeadLetterQueueSourceArn names. auto (the default) is
native where AWS allows it, else manual, and says why.

A manual run writes a journal (JSON lines, path printed at start; in $SQUALL_DATA_DIR or
the platform data dir). After a crash or Ctrl-C, --resume JOURNAL (or a plain re-run)
deletes what was sent but not deleted without sending it again; a send whose answer was
lost is sent again and counted in duplicates_suspected. Nothing is lost either way.

--filter: /REGEX/ on the body, attr.NAME == \"VALUE\", .json.path == VALUE, or a substring.
Messages that do not match stay in the DLQ (held while the run goes on, then visible again;
their receive count rises by one). --dry-run --filter receives a sample of up to 10
messages to count the matches: their receive counts rise by one; on a DLQ with a redrive
policy of its own that needs --yes (exit 5 without it).

--canary N moves N messages, then watches them (--watch DURATION; default maxReceiveCount
receives at the destination's visibility timeout, 2 to 15 minutes; --no-watch skips it):
did a moved message come back to the DLQ (recognised by its body's and attributes' MD5; a
DLQ with a redrive policy of its own is only counted, never read), what did the consumers'
Errors and Throttles do, which error signatures did their logs show. The verdict is printed
(--json: a \"canary\" object beside the summary) and sets the exit code.

Exit codes:
  0    done: the DLQ is empty, or the limit, canary or filter asked for stopped the run
  1    failed (bad input, AWS refused, a delete refused, the journal cannot be written;
       --mode native where the endpoint refuses move tasks)
  2    usage error
  3    refused: squall is read-only here; nothing was changed
  4    incomplete: messages are left in the DLQ (not moved, or still hidden there)
  5    refused: --yes was not given (the plan is printed; nothing was changed)
  6    canary not safe: a moved message came back to the DLQ, the consumers reported
       errors, or their logs error signatures during the watch; do not move the rest
  7    canary unknown: the watch could check nothing (the DLQ not read, no metrics);
       judge by hand (never 0, so that a script does not take it for safe)
  130  cancelled (Ctrl-C): in-flight batches finished; the summary says what moved";
