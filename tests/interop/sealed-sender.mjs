// Sealed sender commands for harness.mjs: certificates, sealed sender v1 and v2 (multi-recipient,
// with libsignal's server-side split), and the unidentified-access key derivation, all done by
// the libsignal build the harness loaded. Binary values are base64, as in harness.mjs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * @param context what harness.mjs shares: the loaded module and its name, the party table and the
 *   base64 helpers. Returns the commands to spread into harness.mjs's `commands`.
 */
export function sealedSenderCommands({ SignalClient, moduleName, Party, parties, party, b64, unb64 }) {
  const {
    PrivateKey, PublicKey, ServerCertificate, SenderCertificate, UnidentifiedSenderMessageContent,
    ProtocolAddress, ServiceId, SenderKeyDistributionMessage,
  } = SignalClient;
  // Not re-exported from the package index in 0.72.1: loaded on first use from the same build.
  const lazy = (path, pick) => { let value; return () => (value ??= pick(require(`${moduleName}/${path}`))); };
  const multiRecipientMessage = lazy('dist/SealedSenderMultiRecipientMessage.js', (m) => m.default);
  const zkgroup = lazy('dist/zkgroup/index.js', (m) => m);

  const address = ({ name, deviceId }) => ProtocolAddress.new(name, deviceId);
  const optional = (value) => (value === undefined || value === null ? null : unb64(value));
  const senderKeyStores = new WeakMap();
  const senderKeyStoreOf = (p) => {
    let store = senderKeyStores.get(p);
    if (!store) {
      const records = new Map();
      store = new (class extends SignalClient.SenderKeyStore {
        async saveSenderKey(sender, distributionId, record) { records.set(`${sender.toString()}/${distributionId}`, record.serialize()); }
        async getSenderKey(sender, distributionId) {
          const bytes = records.get(`${sender.toString()}/${distributionId}`);
          return bytes ? SignalClient.SenderKeyRecord.deserialize(bytes) : null;
        }
      })();
      senderKeyStores.set(p, store);
    }
    return store;
  };
  const usmcReply = (usmc) => ({
    type: usmc.msgType(),
    contents: b64(usmc.contents()),
    senderCertificate: b64(usmc.senderCertificate().serialize()),
    contentHint: usmc.contentHint(),
    groupId: usmc.groupId() ? b64(usmc.groupId()) : null,
    serialized: b64(usmc.serialize()),
  });
  /** The inner message a USMC carries: a session message to one device, or a sender-key (group) message. */
  const innerMessage = async (p, senderName, content) => {
    if (content.kind === 'senderKey') {
      const self = ProtocolAddress.new(senderName, content.senderDeviceId ?? 1);
      const store = senderKeyStoreOf(p);
      await SenderKeyDistributionMessage.create(self, content.distributionId, store);
      return SignalClient.groupEncrypt(self, content.distributionId, store, unb64(content.plaintext));
    }
    return SignalClient.signalEncrypt(unb64(content.plaintext), address(content.remote), p.sessions, p.identities);
  };

  return {
    /** A second device of an existing party's account: same identity key, own stores and registration id. */
    ssCreateDevice: async ({ party: name, like, registrationId }) => {
      const original = party(like);
      const device = new Party(name, registrationId);
      device.identity = original.identity;
      device.identities.identity = original.identity;
      parties.set(name, device);
      return { identityKey: b64(device.identity.publicKey.serialize()) };
    },

    ssKeyPair: async () => {
      const key = PrivateKey.generate();
      return { privateKey: b64(key.serialize()), publicKey: b64(key.getPublicKey().serialize()) };
    },

    ssServerCertificate: async ({ keyId, key, trustRootPrivate }) => {
      const certificate = ServerCertificate.new(keyId, PublicKey.deserialize(unb64(key)), PrivateKey.deserialize(unb64(trustRootPrivate)));
      return { serialized: b64(certificate.serialize()), certificate: b64(certificate.certificateData()), signature: b64(certificate.signature()) };
    },

    ssSenderCertificate: async ({ senderUuid, senderE164, deviceId, key, expiration, serverCertificate, serverPrivate }) => {
      const certificate = SenderCertificate.new(senderUuid, senderE164 ?? null, deviceId, PublicKey.deserialize(unb64(key)), expiration,
        ServerCertificate.deserialize(unb64(serverCertificate)), PrivateKey.deserialize(unb64(serverPrivate)));
      return { serialized: b64(certificate.serialize()), certificate: b64(certificate.certificate()), signature: b64(certificate.signature()) };
    },

    /** Parses a sender certificate and validates it against a trust root at a time (ms since the epoch). */
    ssReadSenderCertificate: async ({ certificate, trustRoot, time }) => {
      const parsed = SenderCertificate.deserialize(unb64(certificate));
      const server = parsed.serverCertificate();
      return {
        valid: parsed.validate(PublicKey.deserialize(unb64(trustRoot)), time),
        senderUuid: parsed.senderUuid(),
        senderE164: parsed.senderE164(),
        deviceId: parsed.senderDeviceId(),
        expiration: parsed.expiration(),
        key: b64(parsed.key().serialize()),
        certificate: b64(parsed.certificate()),
        serverKeyId: server.keyId(),
        serverKey: b64(server.key().serialize()),
      };
    },

    /**
     * Session-encrypts and seals (v1) for one device. Without contentHint and groupId it is
     * libsignal's one-call sealedSenderEncryptMessage; with either, the USMC is built explicitly.
     */
    ssEncrypt: async ({ party: name, remote, plaintext, senderCertificate, contentHint, groupId }) => {
      const p = party(name);
      const sender = SenderCertificate.deserialize(unb64(senderCertificate));
      if (contentHint === undefined && groupId === undefined) {
        const sealed = await SignalClient.sealedSenderEncryptMessage(unb64(plaintext), address(remote), sender, p.sessions, p.identities);
        return { sealed: b64(sealed), usmc: null };
      }
      const message = await SignalClient.signalEncrypt(unb64(plaintext), address(remote), p.sessions, p.identities);
      const usmc = UnidentifiedSenderMessageContent.new(message, sender, contentHint ?? 0, optional(groupId));
      const sealed = await SignalClient.sealedSenderEncrypt(usmc, address(remote), p.identities);
      return { sealed: b64(sealed), usmc: b64(usmc.serialize()) };
    },

    /** Full sealed sender decryption (certificate validation, self-send check, session decryption). */
    ssDecrypt: async ({ party: name, message, trustRoot, timestamp, localUuid, localDeviceId, localE164 }) => {
      const p = party(name);
      const result = await SignalClient.sealedSenderDecryptMessage(unb64(message), PublicKey.deserialize(unb64(trustRoot)), timestamp,
        localE164 ?? null, localUuid, localDeviceId, p.sessions, p.identities, p.preKeys, p.signedPreKeys, p.kyberPreKeys);
      return { plaintext: b64(result.message()), senderUuid: result.senderUuid(), senderE164: result.senderE164(), deviceId: result.deviceId() };
    },

    /** Opens a v1 or received v2 message to its USMC (no certificate validation, no session decryption). */
    ssDecryptToUsmc: async ({ party: name, message }) =>
      usmcReply(await SignalClient.sealedSenderDecryptToUsmc(unb64(message), party(name).identities)),

    /**
     * Multi-recipient (v2) encryption of one USMC to many devices (which need sessions), with
     * optional excluded recipients (service id strings).
     */
    ssMultiEncrypt: async ({ party: name, senderName, recipients, excluded, content, senderCertificate, contentHint, groupId }) => {
      const p = party(name);
      const message = await innerMessage(p, senderName, content);
      const usmc = UnidentifiedSenderMessageContent.new(message, SenderCertificate.deserialize(unb64(senderCertificate)),
        contentHint ?? 0, optional(groupId));
      const sent = await SignalClient.sealedSenderMultiRecipientEncrypt({
        content: usmc,
        recipients: recipients.map(address),
        excludedRecipients: (excluded ?? []).map((id) => ServiceId.parseFromServiceIdString(id)),
        identityStore: p.identities,
        sessionStore: p.sessions,
      });
      return { message: b64(sent), usmc: b64(usmc.serialize()), innerType: message.type(), inner: b64(message.serialize()) };
    },

    /** libsignal's server-side parse of a sent v2 message, and each recipient's received message. */
    ssSplit: async ({ message }) => {
      const Message = multiRecipientMessage();
      const parsed = new Message(unb64(message));
      const recipients = Object.entries(parsed.recipientsByServiceIdString()).map(([serviceId, recipient]) => ({
        serviceId,
        deviceIds: [...recipient.deviceIds],
        registrationIds: [...recipient.registrationIds],
        payload: b64(parsed.messageForRecipient(recipient)),
      }));
      return { recipients, excluded: [...parsed.excludedRecipientServiceIdStrings()] };
    },

    ssDeriveAccessKey: async ({ profileKey }) => {
      const { ProfileKey } = zkgroup();
      return { accessKey: b64(new ProfileKey(unb64(profileKey)).deriveAccessKey()) };
    },

    ssGcmSiv: async ({ key, nonce, aad, plaintext }) =>
      ({ ciphertext: b64(SignalClient.Aes256GcmSiv.new(unb64(key)).encrypt(unb64(plaintext), unb64(nonce), unb64(aad))) }),
  };
}
