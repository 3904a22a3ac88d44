using System.Text;
using Cloudy.Client.Messaging;
using Cloudy.Client.State;
using Cloudy.Protocol.Storage.Sqlite;
using Cloudy.Testing;

namespace Cloudy.Client.Tests;

/// <summary>After real exchanges, neither the server's store nor the client's profile file holds a plaintext or a contact name.</summary>
[Collection(ServerCollection.Name)]
public sealed class PlaintextScanTests(EmbeddedServer server)
{
    private static readonly SqliteStoreOptions _cheapKdf = new(MemoryKiB: 8 * 1024, Passes: 1);

    [Fact]
    public async Task Exchange_AfterDelivery_NoPlaintextOrContactNameInServerStoreOrClientFiles()
    {
        using var folder = new TempDirectory("cloudy-scan");
        var secrets = new List<string>();
        string? bobAccount = null;
        var aliceFile = Path.Combine(folder.Path, "alice.db");
        var bobFile = Path.Combine(folder.Path, "bob.db");
        var aliceIdentity = TestDevice.NewIdentity();
        var bobIdentity = TestDevice.NewIdentity();
        using (var aliceStore = SqliteProtocolStore.Create(aliceFile, "alice passphrase", aliceIdentity, TestDevice.NewRegistrationId(), _cheapKdf))
        using (var bobStore = SqliteProtocolStore.Create(bobFile, "bob passphrase", bobIdentity, TestDevice.NewRegistrationId(), _cheapKdf))
        using (var aliceState = SqliteClientStateStore.Open(aliceFile, aliceIdentity))
        using (var bobState = SqliteClientStateStore.Open(bobFile, bobIdentity))
        using (var aliceHttp = server.NewHttpClient())
        using (var bobHttp = server.NewHttpClient())
        using (var alice = await Messenger.CreateAccountAsync(aliceHttp, aliceStore, aliceState, TestDevice.Options))
        using (var bob = await Messenger.CreateAccountAsync(bobHttp, bobStore, bobState, TestDevice.Options))
        {
            var bobName = "Bobby-Contact-" + Guid.NewGuid().ToString("N")[..8];
            var aliceName = "Alicia-Contact-" + Guid.NewGuid().ToString("N")[..8];
            bobAccount = bob.AccountId;
            alice.Contacts.Save(new Contact(bobName, bob.AccountId));
            bob.Contacts.Save(new Contact(aliceName, alice.AccountId));
            secrets.AddRange([bobName, aliceName]);
            await DeliveryView.WaitForDeviceAsync(alice, alice.AccountId);
            await DeliveryView.WaitForDeviceAsync(bob, bob.AccountId);

            for (var i = 0; i < 3; i++)
            {
                var toBob = $"secret-to-bob-{i}-{Guid.NewGuid():N}";
                var toAlice = $"secret-to-alice-{i}-{Guid.NewGuid():N}";
                secrets.AddRange([toBob, toAlice]);
                await alice.SendTextAsync(bob.AccountId, toBob);
                await bob.SendTextAsync(alice.AccountId, toAlice);
            }

            // Leave some messages undelivered too (they sit in mailboxes), deliver the rest.
            var pending = "secret-pending-" + Guid.NewGuid().ToString("N");
            secrets.Add(pending);
            Assert.Equal(3, (await Inbox.WaitForTextsAsync(bob, 3)).Count(m => m.Content?.Kind == ContentKinds.Text));
            Assert.Equal(3, (await Inbox.WaitForTextsAsync(alice, 3)).Count(m => m.Content?.Kind == ContentKinds.Text));
            await alice.SendTextAsync(bob.AccountId, pending);
            Assert.Contains(bob.Contacts.Find(aliceName)!.AccountId, alice.AccountId);
        }

        var inServer = await server.FindInServerDataAsync(secrets);
        var inClient = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder.Path))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            inClient.AddRange(secrets.Where(s => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(s)) >= 0).Select(s => $"{s} in {Path.GetFileName(file)}"));
        }

        Assert.Empty(inServer);
        Assert.Empty(inClient);

        // Control: the same scan does find what the server legitimately holds (account ids, in keys and in the AOF).
        var control = await server.FindInServerDataAsync([bobAccount!]);
        Assert.Contains(control, hit => hit.Contains("key name", StringComparison.Ordinal));
        Assert.Contains(control, hit => hit.Contains("file garnet", StringComparison.Ordinal));
    }
}
