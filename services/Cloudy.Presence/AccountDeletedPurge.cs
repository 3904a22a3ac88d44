using Cloudy.Store;
using StackExchange.Redis;

namespace Cloudy.Presence;

/// <summary>Deletes a deleted account's <c>pr:</c> keys (see <see cref="AccountDeletedKeyPurge"/>).</summary>
internal sealed class AccountDeletedPurge(IConnectionMultiplexer store, ILogger<AccountDeletedPurge> logger)
    : AccountDeletedKeyPurge(store, KeySpace.Presence, logger);
