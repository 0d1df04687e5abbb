"""Wait until Kafka has the given topics (Kubernetes init container of every Kinerja service).

In production the topics are declared as Strimzi ``KafkaTopic`` resources (replicas 3, 12 partitions,
kept forever). A service that starts first would create a missing topic itself, with the kernel's
defaults (replication factor 1), and the topic operator cannot fix the replication factor later.
So the service waits for the declared topics before it starts.

Environment: ``KINERJA_WAIT_BOOTSTRAP_SERVERS`` (``host:port[,...]``), ``KINERJA_WAIT_TOPICS``
(comma-separated), ``KINERJA_WAIT_TIMEOUT_S`` (default 600), and the service's Kafka security as
``KINERJA_KAFKA_SECURITY_PROTOCOL``, ``KINERJA_KAFKA_SASL_USERNAME``, ... (``kinerja_kernel.transport``).
Exit 0 once all exist, 1 on timeout.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from aiokafka.admin import AIOKafkaAdminClient

from kinerja_kernel.transport import kafka_from_env


async def missing_topics(bootstrap_servers: str, topics: set[str]) -> set[str]:
    admin = AIOKafkaAdminClient(**kafka_from_env(bootstrap_servers).client_kwargs(),
                                client_id="kinerja-wait-for-topics")
    await admin.start()
    try:
        return topics - set(await admin.list_topics())
    finally:
        await admin.close()


async def main() -> int:
    bootstrap_servers = os.environ["KINERJA_WAIT_BOOTSTRAP_SERVERS"]
    topics = {t.strip() for t in os.environ["KINERJA_WAIT_TOPICS"].split(",") if t.strip()}
    deadline = time.monotonic() + float(os.environ.get("KINERJA_WAIT_TIMEOUT_S", "600"))
    while True:
        try:
            missing = await missing_topics(bootstrap_servers, topics)
            state = f"missing {sorted(missing)}"
        except Exception as exc:  # broker not reachable yet: keep waiting
            missing, state = topics, f"kafka not reachable ({exc!r})"
        if not missing:
            print(f"wait-for-topics: all {len(topics)} topics exist", flush=True)
            return 0
        if time.monotonic() > deadline:
            print(f"wait-for-topics: timed out: {state}", file=sys.stderr, flush=True)
            return 1
        print(f"wait-for-topics: {state}; retrying", flush=True)
        await asyncio.sleep(5)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
