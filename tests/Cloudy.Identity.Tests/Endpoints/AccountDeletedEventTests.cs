using System.Collections.Concurrent;
using System.Net;
using Cloudy.Contracts;
using Cloudy.EventBus;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.Identity.Tests.Endpoints;

/// <summary>
/// AccountDeleted through the real in-process bus adapter (persisted in its own Garnet): a consumer
/// of another group receives what the delete endpoint published, and identity's own consumer purges.
/// </summary>
public sealed class AccountDeletedEventTests : IAsyncLifetime
{
    private readonly GarnetFixture _garnet = new();
    private IdentityHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await IdentityHost.StartAsync(_garnet.Connection, inProcessBus: true, configure: builder =>
        {
            builder.Services.AddSingleton<DeletedProbe.Seen>();
            builder.Services.AddEventHandler<AccountDeleted, DeletedProbe>(Topics.Identity, "probe");
        });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _garnet.Dispose();
    }

    [Fact]
    public async Task DeleteAccount_RealInProcessBus_OtherGroupConsumesAccountDeleted()
    {
        using var http = _host.CreateClient();
        var account = await http.NewAccountAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(HttpMethod.Delete, "/v1/accounts/me", account.Token)).StatusCode);

        var seen = _host.Services.GetRequiredService<DeletedProbe.Seen>();
        await Eventually(() => seen.Accounts.Contains(account.AccountId));
    }

    [Fact]
    public async Task AccountDeletedPublished_RealInProcessBus_IdentityConsumerPurgesAccount()
    {
        using var http = _host.CreateClient();
        var account = await http.NewAccountAsync();
        Assert.NotEmpty(_garnet.Keys("id:{" + account.AccountId + "}*"));

        await _host.Services.GetRequiredService<IEventBus>()
            .PublishAsync(Topics.Identity, account.AccountId, new AccountDeleted(account.AccountId));

        await Eventually(() => _garnet.Keys("id:{" + account.AccountId + "}*").Count == 0);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        // Generous: the bus worker, the consumer's store round trips and Kestrel share a busy machine with other tests.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), "The event was not consumed within 30 s.");
    }

    /// <summary>A consumer in its own group, as key-directory or delivery would be.</summary>
    public sealed class DeletedProbe(DeletedProbe.Seen seen) : IEventHandler<AccountDeleted>
    {
        public Task HandleAsync(AccountDeleted @event, CancellationToken cancellationToken)
        {
            seen.Accounts.Add(@event.AccountId);
            return Task.CompletedTask;
        }

        public sealed class Seen
        {
            public ConcurrentBag<string> Accounts { get; } = [];
        }
    }
}
