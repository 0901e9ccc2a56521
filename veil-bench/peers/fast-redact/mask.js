#!/usr/bin/env node
'use strict'
// Peer for Veil's whole-process benchmark (veil-bench/run-process-bench.sh): fast-redact
// replacing the values at the same fixed paths as ../path-rules.yaml with "[REDACTED]".
//
// usage: node mask.js [FILE | -] [--address-object]   (no FILE or '-': standard input)
//
// Input is JSON lines; output is one JSON line per event on stdout, nothing else.
// - I/O: a manual chunk splitter (1 MiB reads, Buffer.indexOf('\n'), one utf8 decode per
//   line), which is markedly faster than readline; output is batched into ~64 KiB strings and
//   written with process.stdout.write, waiting for 'drain' when a pipe pushes back (when
//   stdout is a file Node writes synchronously).
// - customer.address: by default its leaves are redacted (path customer.address.*), so the
//   output has the same shape as Veil's, which replaces each leaf with "[STREET_ADDRESS]".
//   --address-object replaces the whole object with "[REDACTED]" instead (path customer.address).
// - Blank lines are skipped (as Veil does). Invalid JSON lines are skipped and counted on
//   stderr. Top-level non-objects (e.g. 42) are passed through re-serialized (strict: false),
//   as Veil does.
// - fast-redact is used the usual way (serialize: JSON.stringify): it censors, serializes and
//   restores the parsed object.

const fs = require('fs')
const fastRedact = require('fast-redact')

const args = process.argv.slice(2)
const addressObject = args.includes('--address-object')
const files = args.filter((a) => a !== '--address-object')
if (files.length > 1 || (files[0] || '').startsWith('--')) {
  process.stderr.write('usage: node mask.js [FILE | -] [--address-object]\n')
  process.exit(2)
}
const file = files.length === 1 && files[0] !== '-' ? files[0] : null

const redact = fastRedact({
  paths: [
    'customer.email',
    'customer.name',
    'customer.phone',
    addressObject ? 'customer.address' : 'customer.address.*',
    'customer.ssn',
    'payment.card',
    'client_ip'
  ],
  censor: '[REDACTED]',
  strict: false
})

const FLUSH_AT = 64 * 1024
const NL = 10
let out = ''
let events = 0
let invalid = 0
let lineNo = 0
let firstInvalid = 0

function handle (buf, start, end) {
  lineNo++
  if (end > start && buf[end - 1] === 13) end-- // CRLF
  if (end === start) return
  const text = buf.toString('utf8', start, end)
  let obj
  try {
    obj = JSON.parse(text)
  } catch (e) {
    if (text.trim() === '') return
    if (invalid++ === 0) firstInvalid = lineNo
    return
  }
  out += redact(obj) + '\n'
  events++
}

function write (s) {
  if (process.stdout.write(s)) return null
  return new Promise((resolve) => process.stdout.once('drain', resolve))
}

async function main () {
  const input = file
    ? fs.createReadStream(file, { highWaterMark: 1 << 20 })
    : process.stdin
  let carry = null
  for await (const chunk of input) {
    const buf = carry === null ? chunk : Buffer.concat([carry, chunk])
    let start = 0
    let nl
    while ((nl = buf.indexOf(NL, start)) !== -1) {
      handle(buf, start, nl)
      start = nl + 1
      if (out.length >= FLUSH_AT) {
        const s = out
        out = ''
        const p = write(s)
        if (p !== null) await p
      }
    }
    carry = start < buf.length ? buf.subarray(start) : null
  }
  if (carry !== null) handle(carry, 0, carry.length)
  if (out.length > 0) {
    const p = write(out)
    out = ''
    if (p !== null) await p
  }
  if (invalid > 0) {
    process.stderr.write(`mask.js: skipped ${invalid} invalid JSON line(s) (first: line ${firstInvalid}); wrote ${events} event(s)\n`)
  }
}

process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0)
  throw e
})

main().catch((e) => {
  process.stderr.write(`mask.js: ${e && e.stack ? e.stack : e}\n`)
  process.exit(3)
})
