// Computes Signal safety numbers with the pinned @signalapp/libsignal-client so the C# tests
// can compare Cloudy.Protocol's fingerprints byte for byte.
//
// Input (stdin, JSON): { "cases": [ { "iterations": 5200, "version": 2,
//   "localId": "<hex>", "localKey": "<hex 33-byte identity key>",
//   "remoteId": "<hex>", "remoteKey": "<hex>",
//   "theirScannable": "<hex, optional: the other side's scannable encoding to compare with>" } ] }
// Output (stdout, JSON): { "libsignalVersion": "x.y.z", "results": [ { "display": "60 digits",
//   "scannable": "<hex>", "compare": true|false|null, "compareError": "message"|null } ] }
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Fingerprint, PublicKey, ScannableFingerprint } from '@signalapp/libsignal-client';

const require = createRequire(import.meta.url);
const { version: libsignalVersion } = require('@signalapp/libsignal-client/package.json');

const hex = (s) => Buffer.from(s ?? '', 'hex');

function run(c) {
  const fingerprint = Fingerprint.new(
    c.iterations,
    c.version,
    hex(c.localId),
    PublicKey.deserialize(hex(c.localKey)),
    hex(c.remoteId),
    PublicKey.deserialize(hex(c.remoteKey)),
  );
  const scannable = fingerprint.scannableFingerprint();
  let compare = null;
  let compareError = null;
  if (c.theirScannable !== undefined) {
    try {
      compare = scannable.compare(ScannableFingerprint._fromBuffer(hex(c.theirScannable)));
    } catch (e) {
      compareError = String(e?.message ?? e);
    }
  }
  return {
    display: fingerprint.displayableFingerprint().toString(),
    scannable: Buffer.from(scannable.toBuffer()).toString('hex'),
    compare,
    compareError,
  };
}

const input = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify({ libsignalVersion, results: input.cases.map(run) }));
