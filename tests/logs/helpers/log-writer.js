// A log writer child process for the rotation tests: writes numbered audit lines to a file and
// rotates it the way Python's RotatingFileHandler (rename) or logrotate's copytruncate does.
// Usage: node log-writer.js <file> <lines> <rename|copytruncate|none> <rotate-every> [pause-every] [ack]
// With "ack", after each rotation it prints "rotated" and waits for a byte on stdin: the test sends
// it once the tailer has polled, so a loaded machine cannot make the tailer miss a whole file.
'use strict';
const fs = require('node:fs');

const [file, total, mode, every, pauseEvery, ack] = [process.argv[2], Number(process.argv[3]), process.argv[4], Number(process.argv[5]), Number(process.argv[6] || 0), process.argv[7] === 'ack'];
let generation = 0;

function line(seq) {
  return `${JSON.stringify({
    event_id: seq.toString(16).padStart(16, '0'),
    timestamp: new Date().toISOString().replace('Z', '+00:00'),
    event_type: 'system_event',
    status: 'success',
    action: `GET /api/v1/items/${seq}`,
    details: { method: 'GET', path: `/api/v1/items/${seq}`, status_code: 200 },
    ip_address: `10.0.${seq % 7}.1`,
    duration_ms: seq,
  })}\n`;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Lines written as one write just before each rotation: only a reader of the copy sees them. */
const BURST = 100;

let fd = fs.openSync(file, 'a');
let burst = '';
for (let seq = 1; seq <= total; seq += 1) {
  const text = line(seq);
  if (every && seq % every === 0 && seq < total) {
    fs.writeSync(fd, burst + text);
    burst = '';
    generation += 1;
    if (mode === 'rename') {
      fs.closeSync(fd);
      fs.renameSync(file, `${file}.${generation}`);
      fd = fs.openSync(file, 'a');
    } else if (mode === 'copytruncate') {
      fs.copyFileSync(file, `${file}.${generation}`);
      fs.ftruncateSync(fd, 0);
    }
    if (ack) {
      process.stdout.write('rotated\n');
      fs.readSync(0, Buffer.alloc(1));
    }
    continue;
  }
  if (every && seq % every > every - BURST) {
    burst += text;
    continue;
  }
  if (seq % 97 === 0) {
    // Half a line, a pause, then the rest: the tailer must keep partial lines.
    fs.writeSync(fd, text.slice(0, 40));
    sleep(2);
    fs.writeSync(fd, text.slice(40));
  } else {
    fs.writeSync(fd, text);
  }
  if (pauseEvery && seq % pauseEvery === 0) sleep(1);
}
if (burst) fs.writeSync(fd, burst);
fs.closeSync(fd);
process.stdout.write('done\n');
