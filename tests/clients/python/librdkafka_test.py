#!/usr/bin/python3
"""librdkafka (Debian's python3-confluent-kafka) against a running broker.

Usage: /usr/bin/python3 librdkafka_test.py BOOTSTRAP

Creates topics with the AdminClient, produces keyed records with headers under every codec
(none, gzip, lz4, snappy, zstd) with acks=all + idempotence and with acks=1, then reads them back
by partition assignment (no group protocol needed) and checks keys, values, headers, partitions,
offsets and per-partition order against the delivery reports; then a record over the topic's
max.message.bytes (MSG_SIZE_TOO_LARGE) and a fetch past the end (OFFSET_OUT_OF_RANGE); then two
members of one consumer group sharing a topic, and one of them leaving. Prints one line per check,
`PASS name` or `FAIL name: reason`; exits 1 if any check failed.
"""
import sys
import time
import uuid

from confluent_kafka import (OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer,
                             TopicPartition)
from confluent_kafka import TIMESTAMP_LOG_APPEND_TIME
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

BOOTSTRAP = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9092"
RUN = uuid.uuid4().hex[:8]
PARTITIONS = 3
CODECS = ["none", "gzip", "lz4", "snappy", "zstd"]
PER_CODEC = 60
DEADLINE_S = 30

results = []


def check(name):
    def wrap(fn):
        def run(*args):
            try:
                fn(*args)
                results.append((name, None))
                print(f"PASS librdkafka-{name}", flush=True)
                return True
            except Exception as e:  # noqa: BLE001 - report any failure as this check's failure
                reason = f"{type(e).__name__}: {e}".replace("\n", " ")
                results.append((name, reason))
                print(f"FAIL librdkafka-{name}: {reason}", flush=True)
                return False
        return run
    return wrap


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def admin():
    return AdminClient({"bootstrap.servers": BOOTSTRAP})


@check("admin-create-topic")
def create_topic(topic):
    a = admin()
    futures = a.create_topics([NewTopic(topic, num_partitions=PARTITIONS, replication_factor=1)],
                              operation_timeout=15, request_timeout=15)
    futures[topic].result(timeout=DEADLINE_S)
    # Metadata may take a moment to show a new topic: poll with a deadline.
    deadline = time.time() + DEADLINE_S
    while True:
        md = a.list_topics(topic=topic, timeout=10)
        t = md.topics.get(topic)
        if t is not None and t.error is None and len(t.partitions) == PARTITIONS:
            break
        expect(time.time() < deadline, f"metadata never showed {topic} with {PARTITIONS} partitions: {t}")
        time.sleep(0.1)
    for p in t.partitions.values():
        expect(p.leader == 1 or p.leader >= 0, f"partition {p.id} has no leader: {p}")
    # Creating it again is an error, TOPIC_ALREADY_EXISTS.
    again = a.create_topics([NewTopic(topic, num_partitions=PARTITIONS, replication_factor=1)],
                            request_timeout=15)
    try:
        again[topic].result(timeout=DEADLINE_S)
        raise AssertionError("creating an existing topic succeeded")
    except KafkaException as e:
        expect(e.args[0].code() == KafkaError.TOPIC_ALREADY_EXISTS, f"expected TOPIC_ALREADY_EXISTS, got {e}")


def produce(topic, codec, acks, idempotent, start):
    """Produces PER_CODEC records; returns the delivered ones in delivery order."""
    conf = {"bootstrap.servers": BOOTSTRAP, "compression.type": codec, "acks": acks,
            "enable.idempotence": idempotent, "linger.ms": 5}
    p = Producer(conf)
    delivered, errors = [], []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(f"{msg.key()}: {err}")
        else:
            delivered.append(msg)

    sent = []
    for i in range(start, start + PER_CODEC):
        key = f"key-{i % 17}".encode()
        value = f"value-{i}-{codec}-".encode() + b"z" * (i % 300)
        headers = [("seq", str(i).encode()), ("codec", codec.encode())]
        if i % 5 == 0:
            headers.append(("empty", b""))
        # Every fourth record names its partition; the rest go by key.
        kwargs = {"partition": i % PARTITIONS} if i % 4 == 0 else {}
        p.produce(topic, value=value, key=key, headers=headers, on_delivery=on_delivery, **kwargs)
        sent.append((i, key, value, headers, kwargs.get("partition")))
        p.poll(0)
    remaining = p.flush(DEADLINE_S)
    expect(remaining == 0, f"{remaining} records still undelivered after {DEADLINE_S} s")
    expect(not errors, f"delivery errors: {errors[:3]}")
    expect(len(delivered) == len(sent), f"{len(delivered)} delivery reports for {len(sent)} records")
    # (a delivery report carries the value but, in this binding, not the headers)
    by_seq = {int(m.value().split(b"-")[1]): m for m in delivered}
    for i, key, value, headers, partition in sent:
        m = by_seq[i]
        expect(m.offset() >= 0, f"record {i} delivered without an offset")
        if partition is not None:
            expect(m.partition() == partition, f"record {i} asked for partition {partition}, got {m.partition()}")
    return sent, by_seq


def read_all(topic, expected_by_partition):
    """Assigns every partition from the beginning (no group protocol) and reads up to the counts."""
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"unused-{RUN}", "enable.auto.commit": False,
                  "enable.auto.offset.store": False, "auto.offset.reset": "error",
                  "enable.partition.eof": False})
    try:
        c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(PARTITIONS)])
        got = {p: [] for p in range(PARTITIONS)}
        total = sum(expected_by_partition.values())
        deadline = time.time() + DEADLINE_S
        while sum(len(v) for v in got.values()) < total:
            expect(time.time() < deadline,
                   f"read {sum(len(v) for v in got.values())} of {total} records in {DEADLINE_S} s")
            msg = c.poll(0.5)
            if msg is None:
                continue
            expect(msg.error() is None, f"consumer error: {msg.error()}")
            got[msg.partition()].append(msg)
        # Nothing beyond what was produced.
        extra = c.poll(1.0)
        expect(extra is None or extra.error() is not None, f"unexpected extra record at {extra.partition() if extra else ''}/"
               f"{extra.offset() if extra else ''}")
        marks = {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10) for p in range(PARTITIONS)}
        return got, marks
    finally:
        c.close()


@check("produce-consume-all-codecs")
def produce_and_consume(topic):
    delivered = {}   # seq -> delivered message
    sent = []
    start = 0
    for n, codec in enumerate(CODECS):
        # alternate acks=all + idempotence and acks=1
        idempotent = n % 2 == 0
        s, by_seq = produce(topic, codec, "all" if idempotent else "1", idempotent, start)
        sent += s
        delivered.update(by_seq)
        start += PER_CODEC
    expected_by_partition = {p: 0 for p in range(PARTITIONS)}
    for m in delivered.values():
        expected_by_partition[m.partition()] += 1
    expect(all(v > 0 for v in expected_by_partition.values()), f"some partition got nothing: {expected_by_partition}")

    got, marks = read_all(topic, expected_by_partition)
    for p in range(PARTITIONS):
        low, high = marks[p]
        expect((low, high) == (0, expected_by_partition[p]),
               f"partition {p} watermarks {(low, high)}, expected (0, {expected_by_partition[p]})")
        offsets = [m.offset() for m in got[p]]
        expect(offsets == list(range(expected_by_partition[p])), f"partition {p} offsets {offsets[:10]}...")
        # Per-partition order: delivery-report offsets increase with the send order.
        seqs = [int(dict(m.headers())["seq"]) for m in got[p]]
        expect(seqs == sorted(seqs), f"partition {p} out of send order: {seqs[:20]}")
    by_key_partition = {}
    for i, key, value, headers, partition in sent:
        d = delivered[i]
        m = got[d.partition()][d.offset()]
        expect(m.key() == key, f"record {i}: key {m.key()!r}, sent {key!r}")
        expect(m.value() == value, f"record {i}: value differs ({len(m.value() or b'')} vs {len(value)} bytes)")
        expect(m.headers() == headers, f"record {i}: headers {m.headers()}, sent {headers}")
        ts_type, ts = m.timestamp()
        expect(ts_type != 0 and ts > 0, f"record {i}: no timestamp ({ts_type}, {ts})")
        if partition is None:
            by_key_partition.setdefault(key, set()).add(m.partition())
    for key, parts in by_key_partition.items():
        expect(len(parts) == 1, f"key {key!r} landed in partitions {parts}")


@check("offsets-for-times")
def offsets_for_times(topic):
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"unused-{RUN}", "enable.auto.commit": False})
    try:
        future = int(time.time() * 1000) + 3_600_000
        res = c.offsets_for_times([TopicPartition(topic, p, 0) for p in range(PARTITIONS)], timeout=10)
        expect(all(tp.error is None and tp.offset == 0 for tp in res), f"timestamp 0 -> {res}")
        res = c.offsets_for_times([TopicPartition(topic, p, future) for p in range(PARTITIONS)], timeout=10)
        # No record that late: librdkafka reports OFFSET_END (-1).
        expect(all(tp.error is None and tp.offset == -1 for tp in res), f"a future timestamp -> {res}")
    finally:
        c.close()


@check("oversized-record-rejected")
def oversized_record(topic):
    """A 2 MB record against the topic's default max.message.bytes (~1 MB): MSG_SIZE_TOO_LARGE for it,
    and the same connection goes on producing."""
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"unused-{RUN}", "enable.auto.commit": False})
    try:
        before = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    finally:
        c.close()
    p = Producer({"bootstrap.servers": BOOTSTRAP, "message.max.bytes": 5_000_000, "compression.type": "none",
                  "acks": "all", "linger.ms": 0})
    reports = []
    p.produce(topic, value=b"x" * 2_000_000, key=b"big", partition=0, on_delivery=lambda e, m: reports.append((e, m)))
    p.flush(DEADLINE_S)
    p.produce(topic, value=b"small", key=b"after-big", partition=0, on_delivery=lambda e, m: reports.append((e, m)))
    expect(p.flush(DEADLINE_S) == 0, "undelivered records")
    expect(len(reports) == 2, f"{len(reports)} delivery reports")
    big_err, small = reports[0][0], reports[1]
    expect(big_err is not None and big_err.code() == KafkaError.MSG_SIZE_TOO_LARGE,
           f"the 2 MB record: expected MSG_SIZE_TOO_LARGE, got {big_err}")
    expect(small[0] is None and small[1].offset() == before[1],
           f"the next record: {small[0]}, offset {small[1].offset()} (expected {before[1]})")


@check("offset-out-of-range")
def offset_out_of_range(topic):
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"unused-{RUN}", "enable.auto.commit": False,
                  "auto.offset.reset": "error"})
    try:
        low, high = c.get_watermark_offsets(TopicPartition(topic, 1), timeout=10)
        c.assign([TopicPartition(topic, 1, high + 1000)])
        deadline = time.time() + DEADLINE_S
        while True:
            expect(time.time() < deadline, "no error for an offset past the end")
            msg = c.poll(0.5)
            if msg is None:
                continue
            expect(msg.error() is not None, f"a record at {msg.offset()}, past the end {high}")
            expect(msg.error().code() == KafkaError._AUTO_OFFSET_RESET,
                   f"expected _AUTO_OFFSET_RESET (broker OFFSET_OUT_OF_RANGE), got {msg.error()}")
            break
    finally:
        c.close()


@check("admin-configs-and-partitions")
def configs_and_partitions(topic):
    """A topic created with configs: describe_configs shows them as topic overrides; alter_configs
    changes them; create_partitions adds partitions that take records."""
    a = admin()
    a.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1,
                              config={"retention.ms": "7200000", "message.timestamp.type": "LogAppendTime"})],
                    request_timeout=15)[topic].result(timeout=DEADLINE_S)
    res = ConfigResource(ConfigResource.Type.TOPIC, topic)
    entries = a.describe_configs([res], request_timeout=15)[res].result(timeout=DEADLINE_S)
    expect(entries["retention.ms"].value == "7200000", f"retention.ms = {entries['retention.ms'].value}")
    expect(entries["retention.ms"].source == 1, f"retention.ms source {entries['retention.ms'].source}, expected 1 (DYNAMIC_TOPIC_CONFIG)")
    expect(entries["message.timestamp.type"].value == "LogAppendTime", f"message.timestamp.type = {entries['message.timestamp.type'].value}")
    expect(entries["cleanup.policy"].value == "delete" and entries["cleanup.policy"].source != 1,
           f"cleanup.policy {entries['cleanup.policy'].value} source {entries['cleanup.policy'].source}")
    # AlterConfigs replaces the topic's whole override set
    res2 = ConfigResource(ConfigResource.Type.TOPIC, topic,
                          set_config={"retention.ms": "3600000", "message.timestamp.type": "LogAppendTime"})
    a.alter_configs([res2], request_timeout=15)[res2].result(timeout=DEADLINE_S)
    deadline = time.time() + DEADLINE_S
    while a.describe_configs([res], request_timeout=15)[res].result(timeout=DEADLINE_S)["retention.ms"].value != "3600000":
        expect(time.time() < deadline, "retention.ms never became 3600000 after alter_configs")
        time.sleep(0.1)
    a.create_partitions([NewPartitions(topic, 4)], request_timeout=15)[topic].result(timeout=DEADLINE_S)
    while len(a.list_topics(topic=topic, timeout=10).topics[topic].partitions) != 4:
        expect(time.time() < deadline, "the topic never showed 4 partitions")
        time.sleep(0.1)
    # LogAppendTime: the broker stamps the records; the delivery report and the consumer say so.
    p = Producer({"bootstrap.servers": BOOTSTRAP, "acks": "all", "linger.ms": 0})
    reports = []
    before = int(time.time() * 1000)
    p.produce(topic, value=b"on a new partition", key=b"k", partition=3, timestamp=1000,
              on_delivery=lambda e, m: reports.append((e, m)))
    expect(p.flush(DEADLINE_S) == 0, "undelivered")
    after = int(time.time() * 1000)
    err, m = reports[0]
    expect(err is None and m.partition() == 3 and m.offset() == 0, f"delivery: {err}, {m.partition()}/{m.offset()}")
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"unused-{RUN}", "enable.auto.commit": False})
    try:
        c.assign([TopicPartition(topic, 3, OFFSET_BEGINNING)])
        deadline = time.time() + DEADLINE_S
        msg = None
        while msg is None:
            expect(time.time() < deadline, "no record from the new partition")
            msg = c.poll(0.5)
        expect(msg.error() is None and msg.value() == b"on a new partition", f"read {msg.error()} {msg.value()}")
        ts_type, ts = msg.timestamp()
        expect(ts_type == TIMESTAMP_LOG_APPEND_TIME and before - 5000 <= ts <= after + 5000,
               f"timestamp ({ts_type}, {ts}); expected LogAppendTime ({TIMESTAMP_LOG_APPEND_TIME}) within [{before}, {after}], not the 1000 sent")
    finally:
        c.close()
    a.delete_topics([topic], request_timeout=15)[topic].result(timeout=DEADLINE_S)


GROUP_PARTITIONS = 4


def group_consumer(group):
    """A group member (eager rebalancing, librdkafka's default); commits only when told."""
    return Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": group, "enable.auto.commit": False,
                     "auto.offset.reset": "earliest", "session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
                     "enable.partition.eof": False})


def poll_members(members, got, until, what):
    """Polls every member in turn (each needs its own polls to take part in a rebalance) until
    `until()` holds; records go into got[member index] as (partition, offset, value)."""
    deadline = time.time() + DEADLINE_S
    while not until():
        expect(time.time() < deadline, f"{what}: not within {DEADLINE_S} s")
        for idx, c in enumerate(members):
            msg = c.poll(0.1)
            if msg is None:
                continue
            expect(msg.error() is None, f"member {idx}: consumer error {msg.error()}")
            got[idx].append((msg.partition(), msg.offset(), msg.value().decode()))


def produce_sequence(topic, start, count):
    p = Producer({"bootstrap.servers": BOOTSTRAP, "acks": "all", "linger.ms": 5})
    for i in range(start, start + count):
        p.produce(topic, value=f"seq-{i}".encode(), key=f"k{i}".encode(), partition=i % GROUP_PARTITIONS)
    expect(p.flush(DEADLINE_S) == 0, "undelivered records")
    return {f"seq-{i}" for i in range(start, start + count)}


@check("group-two-members")
def group_two_members(topic):
    """Two members of one group split a 4-partition topic into disjoint non-empty shares and read
    every record exactly once between them; when one leaves, the other takes every partition and
    resumes at the committed offsets (no record again, none missed)."""
    a = admin()
    a.create_topics([NewTopic(topic, num_partitions=GROUP_PARTITIONS, replication_factor=1)],
                    request_timeout=15)[topic].result(timeout=DEADLINE_S)
    all_partitions = set(range(GROUP_PARTITIONS))
    group = f"librdkafka-group-{RUN}"
    members = [group_consumer(group), group_consumer(group)]
    got = [[], []]
    left = False
    try:
        for c in members:
            c.subscribe([topic])
        shares = lambda: [{tp.partition for tp in c.assignment()} for c in members]  # noqa: E731

        def split():
            s0, s1 = shares()
            return s0 and s1 and not (s0 & s1) and (s0 | s1) == all_partitions
        poll_members(members, got, split, "two disjoint non-empty shares covering the topic")
        s0, s1 = shares()
        expected = produce_sequence(topic, 0, 80)
        poll_members(members, got, lambda: len(got[0]) + len(got[1]) >= 80, "80 records between two members")
        for idx, share in enumerate((s0, s1)):
            outside = {p for p, _, _ in got[idx]} - share
            expect(not outside, f"member {idx} got records from partitions {outside} outside its share {share}")
            expect(got[idx], f"member {idx} (share {share}) got no record")
        values = [v for g in got for _, _, v in g]
        expect(len(values) == len(set(values)) and set(values) == expected,
               f"{len(values)} records, {len(set(values))} distinct, expected the 80 produced exactly once")
        for c in members:
            c.commit(asynchronous=False)

        # Counted from the leave: whatever the remaining member reads from here on must be new.
        before = len(got[0])
        members[1].close()  # leaves the group
        left = True
        survivor = members[:1]
        poll_members(survivor, got, lambda: {tp.partition for tp in survivor[0].assignment()} == all_partitions,
                     "the remaining member taking every partition")
        expected_more = produce_sequence(topic, 80, 40)
        # Within a partition records come in order: a re-read from before the leave arrives before the new ones.
        poll_members(survivor, got, lambda: expected_more <= {v for _, _, v in got[0][before:]},
                     "the 40 new records at the remaining member")
        more = [v for _, _, v in got[0][before:]]
        expect(sorted(more) == sorted(expected_more),
               f"after the takeover got {len(more)} records, expected the 40 new ones exactly once "
               f"(a record from before the leave means the committed offsets were not used)")
    finally:
        members[0].close()
        if not left:
            members[1].close()
        a.delete_topics([topic], request_timeout=15)


@check("admin-delete-topic")
def delete_topic(topic):
    a = admin()
    a.delete_topics([topic], operation_timeout=15, request_timeout=15)[topic].result(timeout=DEADLINE_S)
    deadline = time.time() + DEADLINE_S
    while topic in a.list_topics(timeout=10).topics:
        expect(time.time() < deadline, f"{topic} still listed {DEADLINE_S} s after its deletion")
        time.sleep(0.1)


def main():
    topic = f"librdkafka-{RUN}"
    if create_topic(topic):
        if produce_and_consume(topic):
            offsets_for_times(topic)
        oversized_record(topic)
        offset_out_of_range(topic)
        delete_topic(topic)
    configs_and_partitions(f"librdkafka-configs-{RUN}")
    group_two_members(f"librdkafka-group-{RUN}")
    failed = [r for r in results if r[1] is not None]
    print(f"# librdkafka {len(results) - len(failed)} passed, {len(failed)} failed", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
