using Cloudy.Client.State;
using Cloudy.Client.Wire;
using Cloudy.Protocol.State;
using Cloudy.Protocol.Stores;

namespace Cloudy.Client.Messaging;

/// <summary>
/// Generates this device's prekeys (private halves into the protocol store, public halves to the key
/// directory) and refills the one-time keys when the server runs low.
/// </summary>
internal sealed class PreKeyManager(IProtocolStore store, IClientStateStore state, KeysClient keys, MessengerOptions options)
{
    private const string CursorKey = "prekeys/cursor";

    // libsignal prekey ids are 24-bit ("Medium"); wrap before that.
    private const uint MaxId = 0xFFFFFF;

    /// <summary>First upload: identity, registration id, signed prekey, one-time EC and PQ keys, PQ last resort.</summary>
    public async Task UploadAllAsync(CancellationToken cancellationToken)
    {
        var identity = await store.GetIdentityKeyPairAsync(cancellationToken);
        var registrationId = await store.GetLocalRegistrationIdAsync(cancellationToken);
        var cursor = LoadCursor();
        var signed = SignedPreKeyRecord.Generate(cursor.NextSignedPreKeyId, identity);
        await store.StoreSignedPreKeyAsync(signed.Id, signed, cancellationToken);
        var lastResort = KyberPreKeyRecord.Generate(cursor.NextPqPreKeyId, identity);
        await store.StoreKyberPreKeyAsync(lastResort.Id, lastResort, lastResort: true, cancellationToken);
        cursor = cursor with { NextSignedPreKeyId = Next(cursor.NextSignedPreKeyId, 1), NextPqPreKeyId = Next(cursor.NextPqPreKeyId, 1) };
        var (preKeys, pqPreKeys, after) = await GenerateOneTimeAsync(cursor, ec: true, pq: true, cancellationToken);
        await keys.UploadAsync(new UploadKeysRequest(
            (int)registrationId,
            identity.IdentityKey.Serialize(),
            new SignedPreKeyEntity(signed.Id, signed.KeyPair.PublicKey.Serialize(), signed.Signature),
            preKeys,
            pqPreKeys,
            new SignedPreKeyEntity(lastResort.Id, lastResort.KeyPair.PublicKey.Serialize(), lastResort.Signature)), cancellationToken);
        SaveCursor(after);
    }

    /// <summary>Uploads new one-time keys of each kind the server holds fewer than the threshold of; true when it did.</summary>
    public async Task<bool> RefillIfLowAsync(CancellationToken cancellationToken)
    {
        var counts = await keys.GetCountsAsync(cancellationToken);
        var ec = counts.PreKeyCount < options.RefillBelow;
        var pq = counts.PqPreKeyCount < options.RefillBelow;
        if (!ec && !pq)
        {
            return false;
        }

        var (preKeys, pqPreKeys, after) = await GenerateOneTimeAsync(LoadCursor(), ec, pq, cancellationToken);
        await keys.UploadAsync(new UploadKeysRequest(null, null, null, preKeys, pqPreKeys, null), cancellationToken);
        SaveCursor(after);
        return true;
    }

    private async Task<(List<PreKeyEntity>? PreKeys, List<SignedPreKeyEntity>? PqPreKeys, PreKeyCursor After)> GenerateOneTimeAsync(
        PreKeyCursor cursor, bool ec, bool pq, CancellationToken cancellationToken)
    {
        List<PreKeyEntity>? preKeys = null;
        List<SignedPreKeyEntity>? pqPreKeys = null;
        if (ec)
        {
            preKeys = [];
            for (var i = 0; i < options.OneTimePreKeys; i++)
            {
                var record = PreKeyRecord.Generate(cursor.NextPreKeyId);
                await store.StorePreKeyAsync(record.Id, record, cancellationToken);
                preKeys.Add(new PreKeyEntity(record.Id, record.KeyPair.PublicKey.Serialize()));
                cursor = cursor with { NextPreKeyId = Next(cursor.NextPreKeyId, 1) };
            }
        }

        if (pq)
        {
            var identity = await store.GetIdentityKeyPairAsync(cancellationToken);
            pqPreKeys = [];
            for (var i = 0; i < options.PqPreKeys; i++)
            {
                var record = KyberPreKeyRecord.Generate(cursor.NextPqPreKeyId, identity);
                await store.StoreKyberPreKeyAsync(record.Id, record, lastResort: false, cancellationToken);
                pqPreKeys.Add(new SignedPreKeyEntity(record.Id, record.KeyPair.PublicKey.Serialize(), record.Signature));
                cursor = cursor with { NextPqPreKeyId = Next(cursor.NextPqPreKeyId, 1) };
            }
        }

        return (preKeys, pqPreKeys, cursor);
    }

    private PreKeyCursor LoadCursor() => state.GetJson(CursorKey, ClientJsonContext.Default.PreKeyCursor) ?? new PreKeyCursor(1, 1, 1);

    private void SaveCursor(PreKeyCursor cursor) => state.PutJson(CursorKey, cursor, ClientJsonContext.Default.PreKeyCursor);

    private static uint Next(uint id, uint step) => (id + step - 1) % MaxId + 1;
}
