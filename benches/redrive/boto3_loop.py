"""The redrive bench's boto3 baseline: a plain sequential loop, one call at a time:
ReceiveMessage (10, long poll 1 s, visibility 120 s) -> SendMessageBatch -> DeleteMessageBatch,
until N messages are deleted from the DLQ. Prints {"seconds": S, "moved": M} as JSON; the
clock starts after the client is made (as the Rust loop's does).

usage: python boto3_loop.py ENDPOINT REGION DLQ_URL SOURCE_URL N
"""

import json
import sys
import time

import boto3


def main():
    endpoint, region, dlq, source, n = sys.argv[1:6]
    n = int(n)
    sqs = boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    started = time.monotonic()
    moved = 0
    while moved < n:
        received = sqs.receive_message(
            QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=1, VisibilityTimeout=120
        )
        messages = received.get("Messages", [])
        if not messages:
            continue
        sent = sqs.send_message_batch(
            QueueUrl=source,
            Entries=[
                {"Id": str(i), "MessageBody": m["Body"]} for i, m in enumerate(messages)
            ],
        )
        if sent.get("Failed"):
            raise SystemExit(f"SendMessageBatch failed entries: {sent['Failed']}")
        deleted = sqs.delete_message_batch(
            QueueUrl=dlq,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(messages)
            ],
        )
        moved += len(deleted.get("Successful", []))
    print(json.dumps({"seconds": time.monotonic() - started, "moved": moved}))


if __name__ == "__main__":
    main()
