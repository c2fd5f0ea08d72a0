#!/usr/bin/env node
// kafkajs 2.x against a running broker.
//
// Usage: node kafkajs_test.js BOOTSTRAP
//
// kafkajs has no partition-assignment consumer: reading records back needs the group protocol.
// Everything kafkajs can do without groups is checked here (createTopics, fetchTopicMetadata,
// producer.send with acks -1 (idempotent) and 1, none + gzip, fetchTopicOffsets,
// fetchTopicOffsetsByTimestamp, deleteTopicRecords, deleteTopics, a send to a missing topic without
// auto-creation). The group-based read runs only
// when the broker advertises FindCoordinator in ApiVersions; otherwise it prints
// `SKIP kafkajs-group-consume: ...` (a capability check, not a disabled test); so does the
// two-member group check (disjoint shares, then a member leaving), under the same condition.
// One line per check: `PASS name`, `FAIL name: reason` or `SKIP name: reason`; exit 1 on a FAIL.
'use strict'

const net = require('net')
const crypto = require('crypto')
const { Kafka, logLevel, CompressionTypes } = require('kafkajs')

const BOOTSTRAP = process.argv[2] || '127.0.0.1:9092'
const RUN = crypto.randomBytes(4).toString('hex')
const PARTITIONS = 3
const DEADLINE_MS = 30000
const results = []

const kafka = new Kafka({
  clientId: `sluice-kafkajs-${RUN}`,
  brokers: [BOOTSTRAP],
  logLevel: logLevel.ERROR,
  connectionTimeout: 5000,
  requestTimeout: 15000,
  retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
})

function expect(cond, msg) {
  if (!cond) throw new Error(msg)
}

async function check(name, fn) {
  try {
    await fn()
    results.push([name, 'PASS'])
    console.log(`PASS kafkajs-${name}`)
    return true
  } catch (e) {
    results.push([name, 'FAIL'])
    console.log(`FAIL kafkajs-${name}: ${String(e && e.stack ? e.message : e).replace(/\n/g, ' ')}`)
    return false
  }
}

function skip(name, reason) {
  results.push([name, 'SKIP'])
  console.log(`SKIP kafkajs-${name}: ${reason}`)
}

async function until(what, fn) {
  const deadline = Date.now() + DEADLINE_MS
  for (;;) {
    const v = await fn()
    if (v) return v
    expect(Date.now() < deadline, `${what}: not within ${DEADLINE_MS} ms`)
    await new Promise(r => setTimeout(r, 100)) // polling interval of a condition with a deadline
  }
}

// ApiVersions v0 on a raw socket: the broker's advertised API keys -> [min, max].
function apiVersions() {
  const [host, port] = [BOOTSTRAP.slice(0, BOOTSTRAP.lastIndexOf(':')), Number(BOOTSTRAP.slice(BOOTSTRAP.lastIndexOf(':') + 1))]
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('sluice-capability-check')
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length)
    body.writeInt16BE(18, 0) // ApiVersions
    body.writeInt16BE(0, 2)
    body.writeInt32BE(1, 4)
    body.writeInt16BE(clientId.length, 8)
    clientId.copy(body, 10)
    const frame = Buffer.alloc(4)
    frame.writeInt32BE(body.length, 0)
    let buf = Buffer.alloc(0)
    const sock = net.connect({ host, port }, () => sock.write(Buffer.concat([frame, body])))
    sock.setTimeout(10000, () => { sock.destroy(); reject(new Error('ApiVersions timed out')) })
    sock.on('error', reject)
    sock.on('data', d => {
      buf = Buffer.concat([buf, d])
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return
      sock.end()
      const error = buf.readInt16BE(8)
      if (error !== 0) return reject(new Error(`ApiVersions error ${error}`))
      const n = buf.readInt32BE(10)
      const apis = new Map()
      for (let i = 0, o = 14; i < n; i++, o += 6) apis.set(buf.readInt16BE(o), [buf.readInt16BE(o + 2), buf.readInt16BE(o + 4)])
      resolve(apis)
    })
  })
}

function message(i, phase) {
  const headers = { seq: String(i), phase }
  if (i % 5 === 0) headers.empty = ''
  const m = { key: `key-${i % 13}`, value: `value-${i}-${phase}-${'q'.repeat(i % 200)}`, headers }
  if (i % 4 === 0) m.partition = i % PARTITIONS
  return m
}

async function main() {
  const topic = `kafkajs-${RUN}`
  const admin = kafka.admin()
  await admin.connect()
  const sent = [] // {i, phase, message, partition?}
  const countByPartition = new Map()
  let splitTimestamp = null
  let firstPhaseCount = null

  const created = await check('admin-create-topic', async () => {
    const ok = await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true })
    expect(ok === true, `createTopics returned ${ok}`)
    const again = await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }] })
    expect(again === false, `creating it again returned ${again}, expected false (already exists)`)
    const topics = await admin.listTopics()
    expect(topics.includes(topic), `listTopics lacks ${topic}: ${topics}`)
  })
  if (!created) return finish(admin)

  await check('admin-fetch-topic-metadata', async () => {
    const md = await admin.fetchTopicMetadata({ topics: [topic] })
    expect(md.topics.length === 1 && md.topics[0].name === topic, `metadata: ${JSON.stringify(md)}`)
    const parts = md.topics[0].partitions.sort((a, b) => a.partitionId - b.partitionId)
    expect(parts.length === PARTITIONS, `${parts.length} partitions`)
    for (const p of parts) {
      expect(p.partitionErrorCode === 0 && p.leader >= 0 && p.replicas.length === 1 && p.isr.length === 1,
        `partition ${JSON.stringify(p)}`)
    }
  })

  // Produce in two phases with explicit create timestamps an hour apart, so the timestamp lookup
  // has one right answer per partition.
  const base = Date.now() - 3600000
  async function produce(name, producerConfig, acks, compression, phase, from, to, timestamp) {
    return check(name, async () => {
      const producer = kafka.producer(producerConfig)
      await producer.connect()
      try {
        const messages = []
        for (let i = from; i < to; i++) messages.push({ ...message(i, phase), timestamp: String(timestamp) })
        // two sends of half each: kafkajs reports the base offset per partition and send
        const half = Math.floor(messages.length / 2)
        for (const chunk of [messages.slice(0, half), messages.slice(half)]) {
          const md = await producer.send({ topic, acks, compression, messages: chunk })
          expect(md.length > 0 && md.every(r => r.errorCode === 0 && Number(r.baseOffset) >= 0), `send result ${JSON.stringify(md)}`)
          for (const r of md) {
            expect(Number(r.baseOffset) === (countByPartition.get(r.partition) || 0),
              `partition ${r.partition}: base offset ${r.baseOffset}, expected ${countByPartition.get(r.partition) || 0}`)
          }
          // Count what each partition got: explicit partitions, else the result lists the keyed ones.
          const partitioner = require('kafkajs').Partitioners.DefaultPartitioner()
          const partitionMetadata = [...Array(PARTITIONS).keys()].map(p => ({ partitionId: p, leader: 1 }))
          for (const m of chunk) {
            const p = m.partition !== undefined ? m.partition : partitioner({ topic, partitionMetadata, message: m })
            countByPartition.set(p, (countByPartition.get(p) || 0) + 1)
            sent.push({ m, partition: p })
          }
          for (const r of md) expect(countByPartition.has(r.partition), `a send landed in unexpected partition ${r.partition}`)
        }
      } finally {
        await producer.disconnect()
      }
    })
  }

  await produce('produce-acks-all-idempotent-none', { idempotent: true, maxInFlightRequests: 1 }, -1, CompressionTypes.None, 'a', 0, 90, base)
  await produce('produce-acks-1-gzip', { allowAutoTopicCreation: false }, 1, CompressionTypes.GZIP, 'a', 90, 150, base)
  firstPhaseCount = new Map(countByPartition)
  splitTimestamp = base + 1800000
  await produce('produce-acks-all-idempotent-gzip', { idempotent: true, maxInFlightRequests: 1 }, -1, CompressionTypes.GZIP, 'b', 150, 240, base + 3600000)
  await produce('produce-acks-1-none', {}, 1, CompressionTypes.None, 'b', 240, 300, base + 3600000)

  await check('admin-fetch-topic-offsets', async () => {
    const offsets = await admin.fetchTopicOffsets(topic)
    expect(offsets.length === PARTITIONS, `${offsets.length} partitions`)
    for (const o of offsets) {
      const n = countByPartition.get(o.partition) || 0
      expect(Number(o.low) === 0 && Number(o.high) === n && Number(o.offset) === n,
        `partition ${o.partition}: ${JSON.stringify(o)}, expected low 0, high ${n}`)
    }
  })

  await check('admin-fetch-topic-offsets-by-timestamp', async () => {
    const at = async ts => new Map((await admin.fetchTopicOffsetsByTimestamp(topic, ts)).map(o => [o.partition, Number(o.offset)]))
    const early = await at(base - 1000)
    const middle = await at(splitTimestamp)
    const late = await at(base + 7200000)
    for (let p = 0; p < PARTITIONS; p++) {
      expect(early.get(p) === 0, `partition ${p}: before everything -> ${early.get(p)}, expected 0`)
      expect(middle.get(p) === (firstPhaseCount.get(p) || 0), `partition ${p}: between the phases -> ${middle.get(p)}, expected ${firstPhaseCount.get(p) || 0}`)
      expect(late.get(p) === (countByPartition.get(p) || 0), `partition ${p}: after everything -> ${late.get(p)}, expected the end ${countByPartition.get(p) || 0}`)
    }
  })

  // The group read comes before deleteTopicRecords so that it sees every record.
  let apis = null
  try {
    apis = await apiVersions()
  } catch (e) {
    await check('capability-api-versions', async () => { throw e })
  }
  if (apis && !apis.has(10)) {
    skip('group-consume', `the broker does not advertise FindCoordinator (API key 10) in ApiVersions; ` +
      `kafkajs consumers always use a group (advertised keys: ${[...apis.keys()].sort((a, b) => a - b).join(',')})`)
  } else if (apis) {
    await check('group-consume', async () => {
      const consumer = kafka.consumer({ groupId: `kafkajs-${RUN}`, sessionTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 })
      await consumer.connect()
      const got = new Map()
      try {
        await consumer.subscribe({ topic, fromBeginning: true })
        await consumer.run({
          eachMessage: async ({ partition, message: m }) => {
            if (!got.has(partition)) got.set(partition, [])
            got.get(partition).push(m)
          },
        })
        const total = sent.length
        await until(`group consumer read ${total} records`, () => [...got.values()].reduce((a, l) => a + l.length, 0) >= total)
      } finally {
        await consumer.disconnect()
      }
      for (let p = 0; p < PARTITIONS; p++) {
        const list = got.get(p) || []
        const expected = sent.filter(s => s.partition === p).map(s => s.m)
        expect(list.length === expected.length, `partition ${p}: read ${list.length}, sent ${expected.length}`)
        list.forEach((m, idx) => {
          const e = expected[idx]
          expect(Number(m.offset) === idx, `partition ${p}: offset ${m.offset} at position ${idx}`)
          expect(m.key.toString() === e.key && m.value.toString() === e.value, `partition ${p} offset ${idx}: ${m.key}=${m.value}, sent ${e.key}=${e.value}`)
          const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, v.toString()]))
          expect(JSON.stringify(headers) === JSON.stringify(e.headers), `partition ${p} offset ${idx}: headers ${JSON.stringify(headers)}`)
          expect(m.timestamp === e.timestamp, `partition ${p} offset ${idx}: timestamp ${m.timestamp}, sent ${e.timestamp}`)
        })
      }
    })
  }

  if (apis && apis.has(10)) {
    await check('group-two-members', () => twoMemberGroup(admin))
  }

  await check('admin-delete-topic-records', async () => {
    const p = [...countByPartition.entries()].find(([, n]) => n >= 3)
    expect(p, `no partition with 3 records: ${[...countByPartition]}`)
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: p[0], offset: '2' }] })
    const offsets = await admin.fetchTopicOffsets(topic)
    const o = offsets.find(x => x.partition === p[0])
    expect(Number(o.low) === 2 && Number(o.high) === p[1], `partition ${p[0]} after deleting below 2: ${JSON.stringify(o)}`)
    // offset -1 means "up to the high watermark"
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: p[0], offset: '-1' }] })
    const o2 = (await admin.fetchTopicOffsets(topic)).find(x => x.partition === p[0])
    expect(Number(o2.low) === p[1] && Number(o2.high) === p[1], `partition ${p[0]} after deleting everything: ${JSON.stringify(o2)}`)
  })

  await check('produce-unknown-topic-rejected', async () => {
    const missing = `kafkajs-missing-${RUN}`
    const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 100 } })
    await producer.connect()
    let err = null
    try {
      await producer.send({ topic: missing, acks: -1, messages: [{ value: 'nowhere' }] })
    } catch (e) {
      err = e
    } finally {
      await producer.disconnect()
    }
    expect(err, 'a send to a missing topic succeeded')
    const chain = []
    for (let e = err; e && chain.length < 10; e = e.cause || e.originalError) chain.push(e.type || e.name)
    expect(chain.includes('UNKNOWN_TOPIC_OR_PARTITION'), `expected UNKNOWN_TOPIC_OR_PARTITION, got ${chain.join(' <- ')}: ${err.message}`)
    expect(!(await admin.listTopics()).includes(missing), `${missing} was created`)
  })

  await check('admin-delete-topic', async () => {
    await admin.deleteTopics({ topics: [topic], timeout: 15000 })
    await until(`${topic} gone from listTopics`, async () => !(await admin.listTopics()).includes(topic))
  })

  return finish(admin)
}

// Two members of one group split a 4-partition topic into disjoint non-empty shares and read every
// record exactly once between them; when one leaves (disconnect sends LeaveGroup), the other takes
// every partition and resumes at the committed offsets: no record again, none missed.
async function twoMemberGroup(admin) {
  const topic = `kafkajs-group-${RUN}`
  const partitions = 4
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true })
  const groupId = `kafkajs-group-${RUN}`
  const shares = [new Set(), new Set()] // the latest assignment each member was given
  const got = [[], []]
  const members = [0, 1].map(idx => {
    const c = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 500, maxWaitTimeInMs: 200 })
    c.on(c.events.GROUP_JOIN, e => { shares[idx] = new Set(e.payload.memberAssignment[topic] || []) })
    return c
  })
  const producer = kafka.producer()
  const produce = async (from, count) => {
    const messages = []
    for (let i = from; i < from + count; i++) messages.push({ key: `k${i}`, value: `seq-${i}`, partition: i % partitions })
    await producer.send({ topic, acks: -1, messages })
    return messages.map(m => m.value)
  }
  let left = false
  try {
    await producer.connect()
    for (const [idx, c] of members.entries()) {
      await c.connect()
      await c.subscribe({ topic, fromBeginning: true })
      // autoCommitThreshold 1: offsets are committed after every batch, so a takeover resumes exactly
      await c.run({ autoCommitThreshold: 1, eachMessage: async ({ partition, message: m }) => { got[idx].push({ partition, value: m.value.toString() }) } })
    }
    await until('two disjoint non-empty shares covering the topic', () => {
      const [a, b] = shares
      return a.size > 0 && b.size > 0 && [...a].every(p => !b.has(p)) && a.size + b.size === partitions
    })
    const split = shares.map(s => new Set(s))
    const expected = await produce(0, 80)
    await until('80 records between two members', () => got[0].length + got[1].length >= 80)
    split.forEach((share, idx) => {
      const outside = got[idx].filter(r => !share.has(r.partition)).map(r => r.partition)
      expect(outside.length === 0, `member ${idx} got records from partitions ${[...new Set(outside)]} outside its share ${[...share]}`)
      expect(got[idx].length > 0, `member ${idx} (share ${[...share]}) got no record`)
    })
    const values = got.flat().map(r => r.value)
    expect(values.length === 80 && new Set(values).size === 80 && expected.every(v => values.includes(v)),
      `${values.length} records, ${new Set(values).size} distinct; expected the 80 produced exactly once`)

    // Counted from the leave: whatever the remaining member reads from here on must be new.
    const before = got[0].length
    await members[1].disconnect()
    left = true
    await until('the remaining member taking every partition', () => shares[0].size === partitions)
    const more = await produce(80, 40)
    // Within a partition records come in order: a re-read from before the leave would arrive before the new ones.
    await until('the 40 new records at the remaining member', () => more.every(v => got[0].slice(before).some(r => r.value === v)))
    const after = got[0].slice(before).map(r => r.value)
    expect(after.length === 40, `after the takeover got ${after.length} records, expected the 40 new ones exactly once ` +
      `(a record from before the leave means the committed offsets were not used): ${after.filter(v => !more.includes(v)).slice(0, 5)}`)
  } finally {
    await members[0].disconnect()
    if (!left) await members[1].disconnect()
    await producer.disconnect()
    await admin.deleteTopics({ topics: [topic], timeout: 15000 })
  }
}

async function finish(admin) {
  await admin.disconnect()
  const failed = results.filter(r => r[1] === 'FAIL').length
  const passed = results.filter(r => r[1] === 'PASS').length
  const skipped = results.filter(r => r[1] === 'SKIP').length
  console.error(`# kafkajs ${passed} passed, ${failed} failed, ${skipped} skipped`)
  process.exitCode = failed ? 1 : 0
}

main().catch(e => {
  console.log(`FAIL kafkajs-setup: ${e && e.message}`)
  process.exitCode = 1
})
