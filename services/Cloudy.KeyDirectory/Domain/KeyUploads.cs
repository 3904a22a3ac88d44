using System.Security.Cryptography;
using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.KeyDirectory.Storage;

namespace Cloudy.KeyDirectory.Domain;

/// <summary>How an upload ended.</summary>
internal enum UploadStatus
{
    /// <summary>Everything was stored.</summary>
    Stored,

    /// <summary>Incomplete for this device's state (400); nothing stored.</summary>
    Incomplete,

    /// <summary>A signature did not verify against the identity key (422); nothing stored.</summary>
    BadSignature,

    /// <summary>Concurrent uploads kept changing the identity key (409); nothing stored.</summary>
    Conflict,
}

/// <summary>Result of <see cref="KeyUploads.UploadAsync"/>; <paramref name="Detail"/> names a field, never key bytes.</summary>
internal sealed record UploadOutcome(UploadStatus Status, string? Detail = null);

/// <summary>
/// Stores a device's keys: every signature is verified against the identity key (the uploaded one,
/// else the stored one) before anything is written, and everything is then written in one
/// transaction guarded by that identity key. A different identity key publishes <see cref="IdentityKeyChanged"/>
/// (recorded in the same transaction and re-sent by the device's next upload if publishing fails).
/// </summary>
internal sealed class KeyUploads(KeyStore store, IEventBus bus)
{
    // A guard failure means another upload changed the identity key in between; re-verify against it.
    private const int Attempts = 3;

    public async Task<UploadOutcome> UploadAsync(string accountId, int deviceId, KeyUpload upload, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (stored, pendingEventId) = await store.GetIdentityAsync(accountId, deviceId).ConfigureAwait(false);
            if (pendingEventId is not null)
            {
                // An earlier change was stored but its event not sent (the process died or the bus failed).
                await PublishChangedAsync(accountId, deviceId, pendingEventId, cancellationToken).ConfigureAwait(false);
            }

            var identityKey = upload.IdentityKey ?? stored;
            if (identityKey is null)
            {
                return new UploadOutcome(UploadStatus.Incomplete, "The device's first upload needs identityKey.");
            }

            var changed = stored is not null && !CryptographicOperations.FixedTimeEquals(stored, identityKey);
            var missing = Missing(upload, isFirst: stored is null, changed);
            if (missing is not null)
            {
                return new UploadOutcome(UploadStatus.Incomplete, missing);
            }

            if (KeyUploadParser.FirstBadSignature(upload, identityKey) is { } badField)
            {
                return new UploadOutcome(UploadStatus.BadSignature, $"{badField} is not signed by the device's identity key.");
            }

            var eventId = changed ? Guid.NewGuid().ToString("N") : null;
            if (await store.TryWriteAsync(accountId, deviceId, stored, upload, eventId).ConfigureAwait(false))
            {
                if (eventId is not null)
                {
                    await PublishChangedAsync(accountId, deviceId, eventId, cancellationToken).ConfigureAwait(false);
                }

                return new UploadOutcome(UploadStatus.Stored);
            }
        }

        return new UploadOutcome(UploadStatus.Conflict, "The device's identity key changed during the upload; retry.");
    }

    /// <summary>Publishes the change under its recorded id (consumers deduplicate by it), then clears the record.</summary>
    private async Task PublishChangedAsync(string accountId, int deviceId, string eventId, CancellationToken cancellationToken)
    {
        var @event = new IdentityKeyChanged(accountId, deviceId) { EventId = eventId };
        await bus.PublishAsync(Topics.Keys, accountId, @event, cancellationToken).ConfigureAwait(false);
        await store.ClearPendingIdentityEventAsync(accountId, deviceId, eventId).ConfigureAwait(false);
    }

    /// <summary>
    /// A first upload must make the device fetchable (identity, registration id, signed prekey,
    /// last resort); a new identity key invalidates the old signed keys, so they must come with it.
    /// </summary>
    private static string? Missing(KeyUpload upload, bool isFirst, bool changed)
    {
        if (isFirst && upload.RegistrationId is null)
        {
            return "The device's first upload needs registrationId.";
        }

        if ((isFirst || changed) && (upload.SignedPreKey is null || upload.PqLastResort is null))
        {
            return isFirst
                ? "The device's first upload needs signedPreKey and pqLastResortPreKey."
                : "A new identityKey needs a new signedPreKey and pqLastResortPreKey signed by it.";
        }

        return null;
    }
}
