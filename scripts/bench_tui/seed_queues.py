"""Creates N SQS queues in an emulator with boto3, many calls in flight.

Run by the moto venv's Python (it has boto3), from scripts/bench-tui:

    python seed_queues.py --endpoint http://127.0.0.1:PORT --count 10000 [--threads 16]

The fleet mirrors benches/inventory.rs: every 10th queue (i % 10 == 3) has a redrive policy
to queue i - 3, which is created first, and every 20th (i % 20 == 7) is FIFO. Prints the
number of queues created on stdout; progress goes to stderr.
"""

import argparse
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

ACCOUNT_ID = "123456789012"  # moto's default account
REGION = "us-east-1"


def queue_name(prefix, i):
    name = f"{prefix}-{i:05d}"
    return name + ".fifo" if i % 20 == 7 else name


def attributes(prefix, i):
    if i % 20 == 7:
        return {"FifoQueue": "true"}
    if i % 10 == 3:
        target = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{queue_name(prefix, i - 3)}"
        return {"RedrivePolicy": f'{{"deadLetterTargetArn":"{target}","maxReceiveCount":"5"}}'}
    return {}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--prefix", default="bench-tui")
    args = parser.parse_args()

    sqs = boto3.client(
        "sqs",
        endpoint_url=args.endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(max_pool_connections=args.threads, retries={"mode": "standard", "max_attempts": 8}),
    )
    done = 0
    lock = threading.Lock()

    def create(i):
        nonlocal done
        sqs.create_queue(QueueName=queue_name(args.prefix, i), Attributes=attributes(args.prefix, i))
        with lock:
            done += 1
            if done % 1000 == 0:
                print(f"seed: {done}/{args.count} queues", file=sys.stderr, flush=True)

    # Redrive targets first, so every policy points at a queue that exists.
    targets = [i for i in range(args.count) if i % 10 == 0]
    others = [i for i in range(args.count) if i % 10 != 0]
    with ThreadPoolExecutor(args.threads) as pool:
        for batch in (targets, others):
            list(pool.map(create, batch))  # list() re-raises the first failure
    print(done)


if __name__ == "__main__":
    main()
