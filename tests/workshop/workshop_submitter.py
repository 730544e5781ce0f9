"""A participant process for the store's concurrency and durability tests (not a test module).

    python workshop_submitter.py batch URL CODE PREFIX N
        join N participants, print "ready", wait for a line on stdin, then submit one answer for
        each (threads, at once) with uid PREFIX-i, then the same uids again (retries); print
        "ok UID ID RETRY_ID" per answer.
    python workshop_submitter.py stream URL CODE PREFIX
        forever: join, submit uid PREFIX-i, print the acknowledged id (flushed) — until killed.
"""

from __future__ import annotations

import sys
import threading

from pcn_workbook.workshop.store import open_store

QUESTION = "room.burst"


def batch(url: str, code: str, prefix: str, n: int) -> None:
    store = open_store(url)
    secrets_ = [store.join(code, None, f"{prefix} {i}")[1] for i in range(n)]
    print("ready", flush=True)
    sys.stdin.readline()
    start = threading.Barrier(n)
    results: dict[str, tuple[int, int]] = {}
    errors: list[BaseException] = []

    def one(i: int) -> None:
        uid = f"{prefix}-{i:04d}"
        try:
            start.wait()
            first = store.submit(code, secrets_[i], QUESTION, {"i": i}, uid).id
            again = store.submit(code, secrets_[i], QUESTION, {"i": -1}, uid).id
            results[uid] = (first, again)
        except BaseException as error:  # reported to the test
            errors.append(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in errors:
        print(f"error {type(error).__name__}: {error}", flush=True)
    for uid, (first, again) in sorted(results.items()):
        print(f"ok {uid} {first} {again}", flush=True)


def stream(url: str, code: str, prefix: str) -> None:
    store = open_store(url)
    i = 0
    while True:
        secret = store.join(code, None, f"{prefix} {i}")[1]
        print(store.submit(code, secret, QUESTION, {"i": i}, f"{prefix}-{i:06d}").id, flush=True)
        i += 1


if __name__ == "__main__":
    mode, url, code, prefix, *rest = sys.argv[1:]
    if mode == "batch":
        batch(url, code, prefix, int(rest[0]))
    else:
        stream(url, code, prefix)
