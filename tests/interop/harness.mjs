// Interop harness: drives Signal's own libsignal (pinned in package.json) for Cloudy.Protocol's
// tests. Usage: node harness.mjs [module]   (default @signalapp/libsignal-client = 0.72.1;
// "libsignal-client-0.90" = the npm alias for 0.90.0).
// Protocol: one JSON object per line on stdin, one JSON reply per line on stdout.
//   request  {"id": 1, "cmd": "encrypt", ...args}      binary values are base64 strings
//   reply    {"id": 1, "ok": true, ...result} | {"id": 1, "ok": false, "error": "<Error name/code>", "message": "..."}
// Parties (simulated devices) live only in this process's memory. Add a command by adding an
// entry to `commands` below.
import { readFileSync } from 'node:fs';
import * as readline from 'node:readline';
import { sealedSenderCommands } from './sealed-sender.mjs';
import { senderKeyCommands } from './sender-keys.mjs';

const moduleName = process.argv[2] ?? '@signalapp/libsignal-client';
const SignalClient = await import(moduleName);
const libsignalVersion = JSON.parse(readFileSync(new URL(`./node_modules/${moduleName}/package.json`, import.meta.url), 'utf8')).version;

const {
  ProtocolAddress, PrivateKey, PublicKey, IdentityKeyPair, PreKeyRecord, SignedPreKeyRecord,
  KyberPreKeyRecord, KEMKeyPair, KEMPublicKey, PreKeyBundle, SessionRecord, SignalMessage,
  PreKeySignalMessage, CiphertextMessageType, Direction, IdentityChange,
} = SignalClient;

const b64 = (buf) => Buffer.from(buf).toString('base64');
const unb64 = (s) => Buffer.from(s, 'base64');
const addressKey = (address) => `${address.name()}.${address.deviceId()}`;

class MemorySessionStore extends SignalClient.SessionStore {
  sessions = new Map();
  async saveSession(name, record) { this.sessions.set(addressKey(name), record.serialize()); }
  async getSession(name) {
    const bytes = this.sessions.get(addressKey(name));
    return bytes ? SessionRecord.deserialize(bytes) : null;
  }
  async getExistingSessions(addresses) {
    return addresses.map((a) => {
      const bytes = this.sessions.get(addressKey(a));
      if (!bytes) throw new Error(`no session for ${addressKey(a)}`);
      return SessionRecord.deserialize(bytes);
    });
  }
}

class MemoryIdentityStore extends SignalClient.IdentityKeyStore {
  constructor(identity, registrationId) { super(); this.identity = identity; this.registrationId = registrationId; this.known = new Map(); }
  async getIdentityKey() { return this.identity.privateKey; }
  async getLocalRegistrationId() { return this.registrationId; }
  // Buffer.from: newer libsignal versions return Uint8Array from serialize().
  async saveIdentity(name, key) {
    const old = this.known.get(addressKey(name));
    const bytes = Buffer.from(key.serialize());
    this.known.set(addressKey(name), bytes);
    return old && !old.equals(bytes) ? IdentityChange.ReplacedExisting : IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity(name, key, _direction) {
    const old = this.known.get(addressKey(name));
    return !old || old.equals(Buffer.from(key.serialize()));
  }
  async getIdentity(name) {
    const old = this.known.get(addressKey(name));
    return old ? PublicKey.deserialize(old) : null;
  }
}

class MemoryRecordStore {
  constructor(type) { this.type = type; this.records = new Map(); }
  save(id, record) { this.records.set(id, record.serialize()); }
  get(id) {
    const bytes = this.records.get(id);
    if (!bytes) throw new Error(`no ${this.type.name} with id ${id}`);
    return this.type.deserialize(bytes);
  }
}

class MemoryPreKeyStore extends SignalClient.PreKeyStore {
  inner = new MemoryRecordStore(PreKeyRecord);
  async savePreKey(id, record) { this.inner.save(id, record); }
  async getPreKey(id) { return this.inner.get(id); }
  async removePreKey(id) { this.inner.records.delete(id); }
}

class MemorySignedPreKeyStore extends SignalClient.SignedPreKeyStore {
  inner = new MemoryRecordStore(SignedPreKeyRecord);
  async saveSignedPreKey(id, record) { this.inner.save(id, record); }
  async getSignedPreKey(id) { return this.inner.get(id); }
}

class MemoryKyberPreKeyStore extends SignalClient.KyberPreKeyStore {
  inner = new MemoryRecordStore(KyberPreKeyRecord);
  used = new Set();
  async saveKyberPreKey(id, record) { this.inner.save(id, record); }
  async getKyberPreKey(id) { return this.inner.get(id); }
  async markKyberPreKeyUsed(id) { this.used.add(id); }
}

/** A simulated device: identity + its five stores. */
class Party {
  constructor(name, registrationId) {
    this.name = name;
    this.identity = IdentityKeyPair.generate();
    this.sessions = new MemorySessionStore();
    this.identities = new MemoryIdentityStore(this.identity, registrationId);
    this.preKeys = new MemoryPreKeyStore();
    this.signedPreKeys = new MemorySignedPreKeyStore();
    this.kyberPreKeys = new MemoryKyberPreKeyStore();
  }
}

const parties = new Map();
const party = (name) => {
  const p = parties.get(name);
  if (!p) throw new Error(`unknown party ${name}`);
  return p;
};
const remoteAddress = (args) => ProtocolAddress.new(args.remote.name, args.remote.deviceId);
// libsignal >= 0.92 added the local address to signalEncrypt / signalDecryptPreKey; detect by arity
// so that the harness also drives other versions (CLOUDY_INTEROP_DIR in the C# fixture).
const localAddress = (p) => ProtocolAddress.new(p.name, 1);
const withLocal = (fn, arityWithoutLocal, p, args) => (fn.length > arityWithoutLocal ? [args[0], args[1], localAddress(p), ...args.slice(2)] : args);

const commands = {
  ping: async () => ({ module: moduleName, version: libsignalVersion }),

  createParty: async ({ party: name, registrationId }) => {
    const p = new Party(name, registrationId ?? 1);
    parties.set(name, p);
    return { identityKey: b64(p.identity.publicKey.serialize()) };
  },

  generateBundle: async ({ party: name, deviceId, preKeyId, signedPreKeyId, kyberPreKeyId }) => {
    const p = party(name);
    const signed = PrivateKey.generate();
    const signedPub = signed.getPublicKey();
    const signedSig = p.identity.privateKey.sign(signedPub.serialize());
    await p.signedPreKeys.saveSignedPreKey(signedPreKeyId, SignedPreKeyRecord.new(signedPreKeyId, Date.now(), signedPub, signed, signedSig));
    const kyber = KEMKeyPair.generate();
    const kyberSig = p.identity.privateKey.sign(kyber.getPublicKey().serialize());
    await p.kyberPreKeys.saveKyberPreKey(kyberPreKeyId, KyberPreKeyRecord.new(kyberPreKeyId, Date.now(), kyber, kyberSig));
    let preKeyPub = null;
    if (preKeyId !== null && preKeyId !== undefined) {
      const pre = PrivateKey.generate();
      preKeyPub = pre.getPublicKey();
      await p.preKeys.savePreKey(preKeyId, PreKeyRecord.new(preKeyId, preKeyPub, pre));
    }
    return {
      registrationId: await p.identities.getLocalRegistrationId(),
      deviceId,
      preKeyId: preKeyPub ? preKeyId : null,
      preKey: preKeyPub ? b64(preKeyPub.serialize()) : null,
      signedPreKeyId,
      signedPreKey: b64(signedPub.serialize()),
      signedPreKeySignature: b64(signedSig),
      identityKey: b64(p.identity.publicKey.serialize()),
      kyberPreKeyId,
      kyberPreKey: b64(kyber.getPublicKey().serialize()),
      kyberPreKeySignature: b64(kyberSig),
    };
  },

  processBundle: async (args) => {
    const p = party(args.party);
    const b = args.bundle;
    const bundle = PreKeyBundle.new(
      b.registrationId, b.deviceId,
      b.preKeyId ?? null, b.preKey ? PublicKey.deserialize(unb64(b.preKey)) : null,
      b.signedPreKeyId, PublicKey.deserialize(unb64(b.signedPreKey)), unb64(b.signedPreKeySignature),
      PublicKey.deserialize(unb64(b.identityKey)),
      b.kyberPreKeyId, KEMPublicKey.deserialize(unb64(b.kyberPreKey)), unb64(b.kyberPreKeySignature));
    await SignalClient.processPreKeyBundle(bundle, remoteAddress(args), p.sessions, p.identities);
    return {};
  },

  encrypt: async (args) => {
    const p = party(args.party);
    const message = await SignalClient.signalEncrypt(...withLocal(SignalClient.signalEncrypt, 5, p,
      [unb64(args.plaintext), remoteAddress(args), p.sessions, p.identities]));
    return { type: message.type(), body: b64(message.serialize()) };
  },

  decrypt: async (args) => {
    const p = party(args.party);
    const body = unb64(args.body);
    let plaintext;
    if (args.type === CiphertextMessageType.PreKey) {
      plaintext = await SignalClient.signalDecryptPreKey(...withLocal(SignalClient.signalDecryptPreKey, 7, p,
        [PreKeySignalMessage.deserialize(body), remoteAddress(args), p.sessions, p.identities, p.preKeys, p.signedPreKeys, p.kyberPreKeys]));
    } else if (args.type === CiphertextMessageType.Whisper) {
      plaintext = await SignalClient.signalDecrypt(SignalMessage.deserialize(body), remoteAddress(args), p.sessions, p.identities);
    } else {
      throw new Error(`unsupported message type ${args.type}`);
    }
    return { plaintext: b64(plaintext) };
  },

  /** Serialized session record (libsignal's RecordStructure) — lets tests prove a failed decrypt changed nothing. */
  sessionRecord: async (args) => {
    const p = party(args.party);
    const bytes = p.sessions.sessions.get(addressKey(remoteAddress(args)));
    return { record: bytes ? b64(bytes) : null };
  },

  sign: async ({ party: name, message }) => ({ signature: b64(party(name).identity.privateKey.sign(unb64(message))) }),

  verify: async ({ publicKey, message, signature }) => ({ valid: PublicKey.deserialize(unb64(publicKey)).verify(unb64(message), unb64(signature)) }),

  agree: async ({ privateKey, publicKey }) => ({ shared: b64(PrivateKey.deserialize(unb64(privateKey)).agree(PublicKey.deserialize(unb64(publicKey)))) }),

  ...sealedSenderCommands({ SignalClient, moduleName, Party, parties, party, b64, unb64 }),
  ...senderKeyCommands(SignalClient),
};

const rl = readline.createInterface({ input: process.stdin, terminal: false });
let queue = Promise.resolve();
rl.on('line', (line) => {
  if (!line.trim()) return;
  // Requests are handled strictly in order: the C# side expects replies in request order.
  queue = queue.then(async () => {
    let request;
    try {
      request = JSON.parse(line);
      const handler = commands[request.cmd];
      if (!handler) throw new Error(`unknown command ${request.cmd}`);
      const result = await handler(request);
      process.stdout.write(JSON.stringify({ id: request.id, ok: true, ...result }) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ id: request?.id ?? null, ok: false, error: e?.code ?? e?.name ?? 'Error', message: String(e?.message ?? e) }) + '\n');
    }
  });
});
rl.on('close', () => { queue.then(() => process.exit(0)); });
