using Cloudy.Store;
using StackExchange.Redis;

namespace Cloudy.KeyDirectory;

/// <summary>Deletes a deleted account's <c>kd:</c> keys (see <see cref="AccountDeletedKeyPurge"/>).</summary>
internal sealed class AccountDeletedPurge(IConnectionMultiplexer store, ILogger<AccountDeletedPurge> logger)
    : AccountDeletedKeyPurge(store, KeySpace.KeyDirectory, logger);
