// Sender-key (group) commands for harness.mjs: libsignal's group_cipher driven from the C# tests.
// harness.mjs spreads senderKeyCommands(SignalClient) into its `commands` table, so these run
// against whichever libsignal module the harness loaded. Every party (by name) has its own
// in-memory sender-key store here, separate from the harness's session parties.
// Addresses are {name, deviceId}; distribution ids are UUID strings; binary values are base64.

const b64 = (buf) => Buffer.from(buf).toString('base64');
const unb64 = (s) => Buffer.from(s, 'base64');

export function senderKeyCommands(SignalClient) {
  const { ProtocolAddress, SenderKeyRecord, SenderKeyDistributionMessage, SenderKeyMessage, PublicKey, PrivateKey } = SignalClient;

  const recordKey = (address, distributionId) => `${address.name()}.${address.deviceId()}/${String(distributionId).toLowerCase()}`;

  /** Keeps records serialized, like Cloudy's InMemoryProtocolStore, so nothing is shared by reference. */
  class MemorySenderKeyStore extends SignalClient.SenderKeyStore {
    records = new Map();
    async saveSenderKey(sender, distributionId, record) { this.records.set(recordKey(sender, distributionId), Buffer.from(record.serialize())); }
    async getSenderKey(sender, distributionId) {
      const bytes = this.records.get(recordKey(sender, distributionId));
      return bytes ? SenderKeyRecord.deserialize(bytes) : null;
    }
  }

  const stores = new Map();
  const store = (name) => {
    if (!stores.has(name)) stores.set(name, new MemorySenderKeyStore());
    return stores.get(name);
  };
  const address = (a) => ProtocolAddress.new(a.name, a.deviceId);
  const describe = (m) => ({ distributionId: String(m.distributionId()), chainId: m.chainId(), iteration: m.iteration() });
  const failure = (e) => ({ error: String(e?.code ?? e?.name ?? 'Error'), message: String(e?.message ?? e) });

  return {
    /** SenderKeyDistributionMessage.create: our own chain for the distribution (created on first use). */
    skCreateDistribution: async ({ party, self, distributionId }) => {
      const message = await SenderKeyDistributionMessage.create(address(self), distributionId, store(party));
      return { message: b64(message.serialize()), ...describe(message) };
    },

    skProcessDistribution: async ({ party, sender, message }) => {
      await SignalClient.processSenderKeyDistributionMessage(address(sender), SenderKeyDistributionMessage.deserialize(unb64(message)), store(party));
      return {};
    },

    /** libsignal has no rotation call: clients drop their record and create a new chain. */
    skReset: async ({ party, self, distributionId }) => {
      store(party).records.delete(recordKey(address(self), distributionId));
      return {};
    },

    /** Encrypts `skip` throw-away messages (not returned), then each of `plaintexts`. */
    skEncrypt: async ({ party, self, distributionId, plaintexts, skip }) => {
      const from = address(self);
      for (let i = 0; i < (skip ?? 0); i++) await SignalClient.groupEncrypt(from, distributionId, store(party), Buffer.alloc(1));
      const messages = [];
      for (const p of plaintexts) {
        const message = await SignalClient.groupEncrypt(from, distributionId, store(party), unb64(p));
        if (message.type() !== SignalClient.CiphertextMessageType.SenderKey) throw new Error(`unexpected message type ${message.type()}`);
        messages.push(b64(message.serialize()));
      }
      return { messages };
    },

    /** Decrypts each message in order; a failure is reported in its slot and does not stop the others. */
    skDecrypt: async ({ party, sender, messages }) => {
      const results = [];
      for (const m of messages) {
        try {
          results.push({ plaintext: b64(await SignalClient.groupDecrypt(address(sender), store(party), unb64(m))) });
        } catch (e) {
          results.push(failure(e));
        }
      }
      return { results };
    },

    /** The stored SenderKeyRecordStructure bytes, or null. */
    skRecord: async ({ party, sender, distributionId }) => {
      const bytes = store(party).records.get(recordKey(address(sender), distributionId));
      return { record: bytes ? b64(bytes) : null };
    },

    /** Stores record bytes made elsewhere (by Cloudy), after libsignal has parsed and re-serialized them. */
    skSetRecord: async ({ party, sender, distributionId, record }) => {
      const parsed = SenderKeyRecord.deserialize(unb64(record));
      await store(party).saveSenderKey(address(sender), distributionId, parsed);
      return { reserialized: b64(parsed.serialize()) };
    },

    /** Fields of a distribution message as libsignal parses them (the chain key is returned: test data only). */
    skParseDistribution: async ({ message }) => {
      const m = SenderKeyDistributionMessage.deserialize(unb64(message));
      return { ...describe(m), chainKey: b64(m.chainKey()) };
    },

    skParseMessage: async ({ message, signingKey }) => {
      const m = SenderKeyMessage.deserialize(unb64(message));
      return { ...describe(m), ciphertext: b64(m.ciphertext()), valid: signingKey ? m.verifySignature(PublicKey.deserialize(unb64(signingKey))) : null };
    },

    /** libsignal's own encoders on given fields, to compare bytes with ours. */
    skBuildDistribution: async ({ distributionId, chainId, iteration, chainKey, signingKey }) => ({
      message: b64(SenderKeyDistributionMessage._new(3, distributionId, chainId, iteration, unb64(chainKey), PublicKey.deserialize(unb64(signingKey))).serialize()),
    }),

    skBuildMessage: async ({ distributionId, chainId, iteration, ciphertext, signingPrivateKey }) => ({
      message: b64(SenderKeyMessage._new(3, distributionId, chainId, iteration, unb64(ciphertext), PrivateKey.deserialize(unb64(signingPrivateKey))).serialize()),
    }),
  };
}
