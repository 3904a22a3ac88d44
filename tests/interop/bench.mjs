// Benchmarks Signal's libsignal Node binding (the pinned @signalapp/libsignal-client) on the same
// operations as tests/Cloudy.Protocol.Benchmarks, for docs/performance.md:
//   SessionSetupFromBundle  processPreKeyBundle into a fresh session store (PQXDH with Kyber1024)
//   Encrypt                 signalEncrypt on an established session (same chain)
//   Decrypt                 signalDecrypt of pre-encrypted messages (same chain)
//   EncryptDecrypt          one message sent and received (same chain)
//   RatchetRoundTrip        A→B then B→A on alternating turns: two DH ratchet steps
//   GroupEncrypt            groupEncrypt on an established sender-key chain
//   GroupDecrypt            groupDecrypt of pre-encrypted group messages (same chain)
//   GroupEncryptDecrypt     one group message sent and received
// Stores keep records serialized, as Cloudy's InMemoryProtocolStore does, so both sides pay
// the same (de)serialization per operation. Plaintext: 128 bytes.
//
// Usage: node bench.mjs [--samples N] [--ms M] [--json]
//   prints "name  median-ns/op  min  max  samples" per operation (or JSON with --json).
import * as S from '@signalapp/libsignal-client';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SAMPLES = option('samples', 7);
const SAMPLE_MS = option('ms', 400);
const JSON_OUT = args.includes('--json');
const PLAINTEXT = Buffer.alloc(128, 0x61);

const key = (address) => `${address.name()}.${address.deviceId()}`;

class Sessions extends S.SessionStore {
  map = new Map();
  async saveSession(address, record) { this.map.set(key(address), record.serialize()); }
  async getSession(address) {
    const bytes = this.map.get(key(address));
    return bytes ? S.SessionRecord.deserialize(bytes) : null;
  }
  async getExistingSessions(addresses) { return Promise.all(addresses.map((a) => this.getSession(a))); }
}

class Identities extends S.IdentityKeyStore {
  constructor(pair) { super(); this.pair = pair; this.known = new Map(); }
  async getIdentityKey() { return this.pair.privateKey; }
  async getLocalRegistrationId() { return 1; }
  async saveIdentity(address, k) {
    const old = this.known.get(key(address));
    this.known.set(key(address), k.serialize());
    return old && !old.equals(k.serialize()) ? S.IdentityChange.ReplacedExisting : S.IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity(address, k) {
    const old = this.known.get(key(address));
    return !old || old.equals(k.serialize());
  }
  async getIdentity(address) {
    const old = this.known.get(key(address));
    return old ? S.PublicKey.deserialize(old) : null;
  }
}

/** Keeps records of one type serialized by id. */
class Records {
  constructor(type) { this.type = type; this.map = new Map(); }
  save(id, record) { this.map.set(id, record.serialize()); }
  get(id) { return this.type.deserialize(this.map.get(id)); }
}

class PreKeys extends S.PreKeyStore {
  records = new Records(S.PreKeyRecord);
  async savePreKey(id, record) { this.records.save(id, record); }
  async getPreKey(id) { return this.records.get(id); }
  async removePreKey(id) { this.records.map.delete(id); }
}

class SignedPreKeys extends S.SignedPreKeyStore {
  records = new Records(S.SignedPreKeyRecord);
  async saveSignedPreKey(id, record) { this.records.save(id, record); }
  async getSignedPreKey(id) { return this.records.get(id); }
}

class KyberPreKeys extends S.KyberPreKeyStore {
  records = new Records(S.KyberPreKeyRecord);
  async saveKyberPreKey(id, record) { this.records.save(id, record); }
  async getKyberPreKey(id) { return this.records.get(id); }
  async markKyberPreKeyUsed() { /* last-resort key: kept */ }
}

class Device {
  constructor(name) {
    this.address = S.ProtocolAddress.new(name, 1);
    this.identity = S.IdentityKeyPair.generate();
    this.fresh();
    this.preKeys = new PreKeys();
    this.signedPreKeys = new SignedPreKeys();
    this.kyberPreKeys = new KyberPreKeys();
  }

  fresh() {
    this.sessions = new Sessions();
    this.identities = new Identities(this.identity);
  }

  /** Publishes a bundle with a one-time prekey and a (last-resort) Kyber prekey. */
  async bundle() {
    const signed = S.PrivateKey.generate();
    const signedSig = this.identity.privateKey.sign(signed.getPublicKey().serialize());
    await this.signedPreKeys.saveSignedPreKey(2, S.SignedPreKeyRecord.new(2, Date.now(), signed.getPublicKey(), signed, signedSig));
    const kyber = S.KEMKeyPair.generate();
    const kyberSig = this.identity.privateKey.sign(kyber.getPublicKey().serialize());
    await this.kyberPreKeys.saveKyberPreKey(3, S.KyberPreKeyRecord.new(3, Date.now(), kyber, kyberSig));
    const pre = S.PrivateKey.generate();
    await this.preKeys.savePreKey(1, S.PreKeyRecord.new(1, pre.getPublicKey(), pre));
    return S.PreKeyBundle.new(1, 1, 1, pre.getPublicKey(), 2, signed.getPublicKey(), signedSig,
      this.identity.publicKey, 3, kyber.getPublicKey(), kyberSig);
  }

  encrypt(to) { return S.signalEncrypt(PLAINTEXT, to.address, this.sessions, this.identities); }

  decrypt(from, message) {
    if (message.type() === S.CiphertextMessageType.PreKey) {
      return S.signalDecryptPreKey(S.PreKeySignalMessage.deserialize(message.serialize()), from.address,
        this.sessions, this.identities, this.preKeys, this.signedPreKeys, this.kyberPreKeys);
    }
    return S.signalDecrypt(S.SignalMessage.deserialize(message.serialize()), from.address, this.sessions, this.identities);
  }
}

class SenderKeys extends S.SenderKeyStore {
  map = new Map();
  async saveSenderKey(sender, distributionId, record) { this.map.set(`${key(sender)}/${distributionId}`, record.serialize()); }
  async getSenderKey(sender, distributionId) {
    const bytes = this.map.get(`${key(sender)}/${distributionId}`);
    return bytes ? S.SenderKeyRecord.deserialize(bytes) : null;
  }
}

/** A group sender and one receiver holding its sender key (one message already exchanged). */
async function groupChain() {
  const sender = { address: S.ProtocolAddress.new('alice', 1), store: new SenderKeys() };
  const receiver = new SenderKeys();
  const distributionId = '4c9f2a0e-6b1d-4e8f-9a3c-2d5e7f1b0a96';
  const distribution = await S.SenderKeyDistributionMessage.create(sender.address, distributionId, sender.store);
  await S.processSenderKeyDistributionMessage(sender.address, distribution, receiver);
  const encrypt = async () => (await S.groupEncrypt(sender.address, distributionId, sender.store, PLAINTEXT)).serialize();
  const decrypt = (bytes) => S.groupDecrypt(sender.address, receiver, bytes);
  await decrypt(await encrypt());
  return { encrypt, decrypt };
}

/** Alice and Bob with an acknowledged session (Bob has replied, so Alice sends plain SignalMessages). */
async function established() {
  const alice = new Device('alice');
  const bob = new Device('bob');
  await S.processPreKeyBundle(await bob.bundle(), bob.address, alice.sessions, alice.identities);
  await bob.decrypt(alice, await alice.encrypt(bob));
  await alice.decrypt(bob, await bob.encrypt(alice));
  return { alice, bob };
}

/** Runs `op` in timed batches; returns per-op nanoseconds for each sample. */
async function measure(op, prepare = async () => {}) {
  const run = async (count) => {
    await prepare(count);
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await op(i);
    return Number(process.hrtime.bigint() - start);
  };
  // Warm up and size a batch to roughly SAMPLE_MS.
  let count = 1;
  let ns = await run(count);
  while (ns < SAMPLE_MS * 1e6 / 4 && count < 1 << 20) { count *= 2; ns = await run(count); }
  count = Math.max(1, Math.round(count * (SAMPLE_MS * 1e6) / Math.max(ns, 1)));
  const samples = [];
  for (let s = 0; s < SAMPLES; s++) samples.push((await run(count)) / count);
  return samples;
}

const benchmarks = {
  async SessionSetupFromBundle() {
    const alice = new Device('alice');
    const bob = new Device('bob');
    const bundle = await bob.bundle();
    return measure(async () => {
      alice.fresh();
      await S.processPreKeyBundle(bundle, bob.address, alice.sessions, alice.identities);
    });
  },
  async Encrypt() {
    const { alice, bob } = await established();
    return measure(() => alice.encrypt(bob));
  },
  async Decrypt() {
    const { alice, bob } = await established();
    let batch = [];
    return measure((i) => bob.decrypt(alice, batch[i]), async (count) => {
      batch = [];
      for (let i = 0; i < count; i++) batch.push(await alice.encrypt(bob));
    });
  },
  async EncryptDecrypt() {
    const { alice, bob } = await established();
    return measure(async () => bob.decrypt(alice, await alice.encrypt(bob)));
  },
  async RatchetRoundTrip() {
    const { alice, bob } = await established();
    return measure(async () => {
      await bob.decrypt(alice, await alice.encrypt(bob));
      await alice.decrypt(bob, await bob.encrypt(alice));
    });
  },
  async GroupEncrypt() {
    const { encrypt } = await groupChain();
    return measure(() => encrypt());
  },
  async GroupDecrypt() {
    const { encrypt, decrypt } = await groupChain();
    let batch = [];
    return measure((i) => decrypt(batch[i]), async (count) => {
      batch = [];
      for (let i = 0; i < count; i++) batch.push(await encrypt());
    });
  },
  async GroupEncryptDecrypt() {
    const { encrypt, decrypt } = await groupChain();
    return measure(async () => decrypt(await encrypt()));
  },
};

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const results = {};
for (const [name, bench] of Object.entries(benchmarks)) {
  const samples = await bench();
  results[name] = { medianNs: median(samples), minNs: Math.min(...samples), maxNs: Math.max(...samples), samples: samples.length };
}

const version = createRequire(import.meta.url)('@signalapp/libsignal-client/package.json').version;
if (JSON_OUT) {
  process.stdout.write(JSON.stringify({ libsignalVersion: version, node: process.version, results }, null, 2) + '\n');
} else {
  console.log(`libsignal-client ${version}, node ${process.version}, ${SAMPLES} samples x ~${SAMPLE_MS} ms`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(24)} median ${(r.medianNs / 1000).toFixed(2).padStart(10)} us/op  (min ${(r.minNs / 1000).toFixed(2)}, max ${(r.maxNs / 1000).toFixed(2)})`);
  }
}
