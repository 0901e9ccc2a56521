#!/usr/bin/env node
'use strict'
// Peer for veil-bench/run-detect-bench.sh: @redactpii/node redacting text lines.
// usage: node redact.js FILE > OUT   — one redacted line per input line, nothing else on stdout.
// Reads with a manual chunk splitter (faster than readline) and writes in ~64 KiB batches.
const fs = require('fs')
const { Redactor } = require('@redactpii/node')

const redactor = new Redactor()
const fd = fs.openSync(process.argv[2], 'r')
const buf = Buffer.alloc(1 << 20)
let rest = ''
let out = ''
let n
const flush = () => { fs.writeSync(1, out); out = '' }
while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
  const text = rest + buf.toString('utf8', 0, n)
  const lines = text.split('\n')
  rest = lines.pop()
  for (const line of lines) {
    out += redactor.redact(line) + '\n'
    if (out.length > 65536) flush()
  }
}
if (rest.length > 0) out += redactor.redact(rest) + '\n'
flush()
