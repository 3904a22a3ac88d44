using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.KeyDirectory.Storage;

namespace Cloudy.KeyDirectory.Domain;

/// <summary>
/// Hands out prekey bundles (consuming one-time keys) under the requester→target rate limit, and
/// publishes <see cref="PreKeysLow"/> for devices whose one-time keys just fell below the threshold.
/// </summary>
internal sealed partial class BundleFetcher(KeyStore store, IEventBus bus, ILogger<BundleFetcher> logger)
{
    /// <summary>Bundles of <paramref name="deviceId"/>, or of every device of the account when null.</summary>
    public async Task<FetchResult> FetchAsync(string requesterAccountId, string targetAccountId, int? deviceId, CancellationToken cancellationToken)
    {
        var deviceIds = deviceId is { } one ? [one] : await store.DeviceIdsAsync(targetAccountId).ConfigureAwait(false);
        // Fetches of accounts without keys count too, so probing for accounts costs the same.
        var result = await store.FetchAsync(requesterAccountId, targetAccountId, deviceIds).ConfigureAwait(false);
        foreach (var bundle in result.Bundles.Where(b => b.CrossedLowThreshold))
        {
            await PublishLowAsync(targetAccountId, bundle, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task PublishLowAsync(string accountId, StoredBundle bundle, CancellationToken cancellationToken)
    {
        try
        {
            var @event = new PreKeysLow(accountId, bundle.DeviceId, (int)bundle.EcLeft, (int)bundle.PqLeft);
            await bus.PublishAsync(Topics.Keys, accountId, @event, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The keys were consumed already, so the fetch still succeeds; clearing the flag makes the
            // next fetch report the low state again instead of never telling the client.
            LogPublishFailed(logger, ex, bundle.DeviceId);
            await store.ClearLowFlagsAsync(accountId, bundle.DeviceId).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing PreKeysLow for device {DeviceId} failed; the next fetch reports it again")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int deviceId);
}
