using Cloudy.Store;
using StackExchange.Redis;

namespace Cloudy.Delivery;

/// <summary>Deletes a deleted account's <c>dl:</c> keys (see <see cref="AccountDeletedKeyPurge"/>).</summary>
internal sealed class AccountDeletedPurge(IConnectionMultiplexer store, ILogger<AccountDeletedPurge> logger)
    : AccountDeletedKeyPurge(store, KeySpace.Delivery, logger);
