namespace Cloudy.Store.Durability;

/// <summary>
/// Makes the store's acknowledged writes durable before the service acknowledges them to a client. Writes this
/// process completed before <see cref="WaitDurableAsync"/> was called are on disk when it returns.
/// </summary>
public interface IStoreDurability
{
    /// <summary>Completes once every write already completed by this process survives a crash of the store.</summary>
    Task WaitDurableAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// For stores that make each write durable before replying (redis-server with <c>appendfsync always</c>): nothing
/// to wait for.
/// </summary>
public sealed class ImmediateDurability : IStoreDurability
{
    /// <inheritdoc />
    public Task WaitDurableAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
