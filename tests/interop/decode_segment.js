#!/usr/bin/env node
// Decodes Kafka segment files (.log) with kafkajs' own RecordBatch decoder (kafkajs 2.2.4, pinned in
// package.json) and prints one JSON document per file on stdout:
//   {"file", "batches": [{firstOffset, lastOffsetDelta, partitionLeaderEpoch, producerId, producerEpoch,
//     firstSequence, inTransaction, isControlBatch, timestampType, maxTimestamp, crcValid,
//     records: [{offset, timestamp, key, value, headers: [[key, value], ...]}]}], "trailingBytes"}
// Keys, values and header values are base64 (null for null). This is an independent check of kafkasim's
// on-disk format: kafkajs decodes gzip itself; snappy uses kafkajs-snappy (snappyjs), lz4 lz4js and zstd
// fzstd, all pure JavaScript and independent of the C libraries kafkasim uses. The CRC-32C is recomputed
// with kafkajs' crc32C module.
'use strict'
const fs = require('fs')
const { CompressionTypes, CompressionCodecs } = require('kafkajs')
const Decoder = require('kafkajs/src/protocol/decoder')
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder')
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C')
const SnappyCodec = require('kafkajs-snappy')
const lz4js = require('lz4js')
const fzstd = require('fzstd')

const decompressOnly = decompress => () => ({
  async compress() {
    throw new Error('compression is not needed here')
  },
  async decompress(buffer) {
    return Buffer.from(decompress(buffer))
  },
})
CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec
CompressionCodecs[CompressionTypes.LZ4] = decompressOnly(b => lz4js.decompress(b))
CompressionCodecs[CompressionTypes.ZSTD] = decompressOnly(b => fzstd.decompress(b))

const b64 = value => (value === null || value === undefined ? null : Buffer.from(value).toString('base64'))

const flattenHeaders = headers => {
  const pairs = []
  for (const key of Object.keys(headers)) {
    const values = Array.isArray(headers[key]) ? headers[key] : [headers[key]]
    for (const v of values) pairs.push([key, b64(v)])
  }
  return pairs
}

async function decodeFile(file) {
  const buf = fs.readFileSync(file)
  const batches = []
  let pos = 0
  while (pos + 12 <= buf.length) {
    const end = pos + 12 + buf.readInt32BE(pos + 8)
    if (end > buf.length) break
    const slice = buf.slice(pos, end)
    const crcValid = crc32C(slice.slice(21)) === slice.readUInt32BE(17)
    const batch = await decodeRecordBatch(new Decoder(slice))
    batches.push({
      firstOffset: batch.firstOffset,
      lastOffsetDelta: batch.lastOffsetDelta,
      partitionLeaderEpoch: batch.partitionLeaderEpoch,
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      firstSequence: batch.firstSequence,
      inTransaction: batch.inTransaction,
      isControlBatch: batch.isControlBatch,
      timestampType: batch.timestampType,
      maxTimestamp: batch.maxTimestamp,
      crcValid,
      records: batch.records.map(r => ({
        offset: r.offset,
        timestamp: r.timestamp,
        key: b64(r.key),
        value: b64(r.value),
        headers: flattenHeaders(r.headers),
      })),
    })
    pos = end
  }
  return { file, batches, trailingBytes: buf.length - pos }
}

async function main() {
  const files = process.argv.slice(2)
  if (files.length === 0) {
    process.stderr.write('usage: decode_segment.js SEGMENT.log...\n')
    process.exit(2)
  }
  const out = []
  for (const f of files) out.push(await decodeFile(f))
  process.stdout.write(JSON.stringify(out) + '\n')
}

main().catch(e => {
  process.stderr.write(`decode_segment.js: ${e.stack || e}\n`)
  process.exit(1)
})
