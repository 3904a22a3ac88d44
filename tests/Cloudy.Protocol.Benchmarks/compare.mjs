// Joins BenchmarkDotNet's JSON report and tests/interop/bench.mjs's output into one markdown table.
// Usage: node compare.mjs <dir with dotnet/results/*.json and libsignal.json>
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';

const dir = process.argv[2];
const resultsDir = join(dir, 'dotnet', 'results');
const cloudy = {};
for (const file of readdirSync(resultsDir).filter((f) => f.endsWith('.json'))) {
  for (const b of JSON.parse(readFileSync(join(resultsDir, file), 'utf8')).Benchmarks) {
    cloudy[b.Method] = { medianNs: b.Statistics.Median, allocated: b.Memory?.BytesAllocatedPerOperation };
  }
}
const libsignal = JSON.parse(readFileSync(join(dir, 'libsignal.json'), 'utf8'));

const us = (ns) => (ns / 1000).toFixed(1);
const order = ['SessionSetupFromBundle', 'Encrypt', 'Decrypt', 'EncryptDecrypt', 'RatchetRoundTrip', 'GroupEncrypt', 'GroupDecrypt', 'GroupEncryptDecrypt'];
console.log(`Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ` +
  `libsignal-client ${libsignal.libsignalVersion} on Node ${libsignal.node}.`);
console.log('');
console.log('| operation | Cloudy.Protocol median (µs) | libsignal via Node median (µs) | libsignal ÷ Cloudy |');
console.log('|---|---:|---:|---:|');
for (const name of order) {
  const c = cloudy[name]?.medianNs;
  const l = libsignal.results[name]?.medianNs;
  const ratio = c && l ? (l / c).toFixed(2) : 'n/a';
  console.log(`| ${name} | ${c ? us(c) : 'n/a'} | ${l ? us(l) : 'n/a'} | ${ratio} |`);
}
for (const [name, label] of [['EncryptDecrypt', 'Established-session'], ['GroupEncryptDecrypt', 'Sender-key (group)']]) {
  const c = cloudy[name]?.medianNs;
  const l = libsignal.results[name]?.medianNs;
  if (c && l) {
    console.log('');
    console.log(`${label} encrypt+decrypt throughput: Cloudy ${Math.round(1e9 / c)} msg/s, ` +
      `libsignal via Node ${Math.round(1e9 / l)} msg/s (ratio ${(l / c).toFixed(2)}).`);
  }
}
