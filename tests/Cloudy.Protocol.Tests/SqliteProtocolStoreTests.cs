using System.Security.Cryptography;
using Cloudy.Protocol.Groups;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.State;
using Cloudy.Protocol.Storage.Sqlite;
using Cloudy.Protocol.Stores;
using Cloudy.Protocol.Tests.Groups;
using Microsoft.Data.Sqlite;

namespace Cloudy.Protocol.Tests;

public sealed class SqliteProtocolStoreTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple";

    // Cheap Argon2id for tests (8 MiB, 1 pass); production defaults are 64 MiB, 3 passes.
    private static readonly SqliteStoreOptions s_fast = new(MemoryKiB: 8 * 1024, Passes: 1);
    private static readonly ProtocolAddress s_bob = new("bob-8d1f0c6e-3b7a-4c55-9a39-0b7c2a1e4f10", 1);

    private readonly string _directory = Directory.CreateTempSubdirectory("cloudy-sqlite-").FullName;

    private string DbPath => Path.Combine(_directory, "store.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Open_AfterCreateAndWrites_RoundTripsEveryRecordKind()
    {
        var fixture = await SeedAsync((store, f) => f.WriteAllAsync(store), registrationId: 4242);

        using var reopened = SqliteProtocolStore.Open(DbPath, Passphrase);

        Assert.Equal(fixture.Identity.Serialize(), (await reopened.GetIdentityKeyPairAsync()).Serialize());
        Assert.Equal(4242u, await reopened.GetLocalRegistrationIdAsync());
        Assert.Equal(fixture.Bob.IdentityKey, await reopened.GetIdentityAsync(s_bob));
        Assert.Equal(fixture.PreKey.Serialize(), (await reopened.LoadPreKeyAsync(7))!.Serialize());
        Assert.Equal(fixture.SignedPreKey.Serialize(), (await reopened.LoadSignedPreKeyAsync(3))!.Serialize());
        Assert.Equal(fixture.KyberPreKey.Serialize(), (await reopened.LoadKyberPreKeyAsync(11))!.Serialize());
        Assert.Equal(fixture.Session.Serialize(), (await reopened.LoadSessionAsync(s_bob))!.Serialize());
        Assert.Null(await reopened.LoadSessionAsync(s_bob with { DeviceId = 2 }));
        Assert.Null(await reopened.LoadPreKeyAsync(8));
    }

    [Fact]
    public void Open_WrongPassphrase_ThrowsWrongPassphrase()
    {
        SqliteProtocolStore.Create(DbPath, Passphrase, IdentityKeyPair.Generate(), 1, s_fast).Dispose();

        Assert.Throws<WrongPassphraseException>(() => SqliteProtocolStore.Open(DbPath, "correct horse battery stapler"));
    }

    [Fact]
    public async Task Load_OneBitFlippedInStoredSession_ThrowsTamperedRecord()
    {
        await SeedAsync((store, f) => store.StoreSessionAsync(s_bob, f.Session));

        FlipStoredBit("session", bitIndex: 8 * 40);
        using var reopened = SqliteProtocolStore.Open(DbPath, Passphrase);

        var e = await Assert.ThrowsAsync<TamperedRecordException>(() => reopened.LoadSessionAsync(s_bob));
        Assert.Equal("session", e.Kind);
    }

    [Fact]
    public async Task Load_RecordCopiedToAnotherId_ThrowsTamperedRecord()
    {
        await SeedAsync((store, f) => store.StorePreKeyAsync(7, f.PreKey));

        // Swap attack: an attacker with file access moves prekey 7's ciphertext to id 8.
        RawExecute("INSERT INTO cloudy_records (kind, id, value) SELECT kind, X'00000008', value FROM cloudy_records WHERE kind = 'prekey'");
        using var reopened = SqliteProtocolStore.Open(DbPath, Passphrase);

        Assert.NotNull(await reopened.LoadPreKeyAsync(7));
        await Assert.ThrowsAsync<TamperedRecordException>(() => reopened.LoadPreKeyAsync(8));
    }

    [Fact]
    public async Task RawFile_AfterWritingAllRecords_ContainsNoSecretBytesInClear()
    {
        var fixture = await SeedAsync((store, f) => f.WriteAllAsync(store));

        var file = File.ReadAllBytes(DbPath);
        Assert.True(file.Length > 4096, "the database file should hold the records");
        var secrets = new Dictionary<string, byte[]>
        {
            ["identity private key"] = fixture.Identity.PrivateKey.Serialize(),
            ["prekey private key"] = fixture.PreKey.KeyPair.PrivateKey.Serialize(),
            ["signed prekey private key"] = fixture.SignedPreKey.KeyPair.PrivateKey.Serialize(),
            ["kyber secret key"] = fixture.KyberPreKey.KeyPair.SecretKey.Serialize(),
            ["session root key"] = fixture.RootKey,
            ["contact address"] = System.Text.Encoding.UTF8.GetBytes(s_bob.Name),
            ["contact identity key"] = fixture.Bob.IdentityKey.Serialize(),
            ["identity public key"] = fixture.Identity.IdentityKey.Serialize(),
        };

        AssertNoneInClear(file, secrets);
    }

    [Fact]
    public async Task SenderKeys_PerSenderAndDistribution_RoundTripAfterReopen()
    {
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        var records = new Dictionary<(ProtocolAddress, Guid), byte[]>();
        await SeedAsync(async (store, _) =>
        {
            var cipher = new GroupCipher(store);
            foreach (var (sender, distributionId) in new[] { (s_bob, first), (s_bob, second), (s_bob with { DeviceId = 2 }, first) })
            {
                await cipher.ProcessDistributionMessageAsync(sender, await new GroupCipher(new InMemoryProtocolStore(IdentityKeyPair.Generate(), 1)).CreateDistributionMessageAsync(sender, distributionId));
                records[(sender, distributionId)] = (await store.LoadSenderKeyAsync(sender, distributionId))!.Serialize();
            }
        });

        using var reopened = SqliteProtocolStore.Open(DbPath, Passphrase);

        Assert.Equal(3, records.Values.Select(Convert.ToHexString).Distinct().Count());
        foreach (var ((sender, distributionId), bytes) in records)
        {
            Assert.Equal(bytes, (await reopened.LoadSenderKeyAsync(sender, distributionId))!.Serialize());
        }
        Assert.Null(await reopened.LoadSenderKeyAsync(s_bob with { DeviceId = 2 }, second));
    }

    [Fact]
    public async Task Load_OneBitFlippedInStoredSenderKey_ThrowsTamperedRecord()
    {
        var distributionId = Guid.NewGuid();
        await SeedAsync((store, _) => new GroupCipher(store).CreateDistributionMessageAsync(s_bob, distributionId));

        FlipStoredBit("sender-key", bitIndex: 8 * 30);
        using var reopened = SqliteProtocolStore.Open(DbPath, Passphrase);

        var e = await Assert.ThrowsAsync<TamperedRecordException>(() => reopened.LoadSenderKeyAsync(s_bob, distributionId));
        Assert.Equal("sender-key", e.Kind);
    }

    [Fact]
    public async Task RawFile_AfterGroupMessages_NoChainKeySigningKeyGroupOrSenderInClear()
    {
        var distributionId = Guid.NewGuid();
        var member = new GroupCipher(new InMemoryProtocolStore(IdentityKeyPair.Generate(), 1));
        var distribution = await member.CreateDistributionMessageAsync(s_bob, distributionId);
        var me = new ProtocolAddress("me-5f0e7c1a-2d4b-4b8e-9c3f-6a1d2e3f4a5b", 1);
        byte[] ourChainKey = [], ourSigningKey = [];
        await SeedAsync(async (store, _) =>
        {
            var cipher = new GroupCipher(store);
            await cipher.ProcessDistributionMessageAsync(s_bob, distribution);
            Assert.Equal("hello group"u8.ToArray(), await cipher.DecryptAsync(s_bob, await member.EncryptAsync(s_bob, distributionId, "hello group"u8.ToArray())));
            ourChainKey = (await cipher.CreateDistributionMessageAsync(me, distributionId)).ChainKey.ToArray();
            ourSigningKey = (await store.LoadSenderKeyAsync(me, distributionId))!.Current!.SigningPrivateKey!.Serialize();
        });

        AssertNoneInClear(File.ReadAllBytes(DbPath), new Dictionary<string, byte[]>
        {
            ["received chain key"] = distribution.ChainKey.ToArray(),
            ["our chain key"] = ourChainKey,
            ["our private signing key"] = ourSigningKey,
            ["sender's signing key"] = distribution.SigningKey.Serialize(),
            ["distribution id"] = distributionId.ToByteArray(bigEndian: true),
            ["sender address"] = System.Text.Encoding.UTF8.GetBytes(s_bob.Name),
            ["our address"] = System.Text.Encoding.UTF8.GetBytes(me.Name),
        });
    }

    [Fact]
    public async Task GroupCipher_OnSqliteStores_OutOfOrderAndTamperScenariosHold()
    {
        using var aliceStore = SqliteProtocolStore.Create(Path.Combine(_directory, "alice.db"), Passphrase, IdentityKeyPair.Generate(), 1, s_fast);
        using var bobStore = SqliteProtocolStore.Create(Path.Combine(_directory, "bob.db"), Passphrase, IdentityKeyPair.Generate(), 2, s_fast);
        var alice = new CloudyGroupParty("alice", aliceStore);
        var bob = new CloudyGroupParty("bob", bobStore);

        await GroupScenarios.OutOfOrderAsync(alice, bob);
        await GroupScenarios.TamperEveryByteAsync(alice, bob);
    }

    /// <summary>Any 12-byte window of any value found in <paramref name="file"/> counts as a leak.</summary>
    private static void AssertNoneInClear(byte[] file, Dictionary<string, byte[]> secrets)
    {
        foreach (var (name, secret) in secrets)
        {
            Assert.True(secret.Length >= 12, $"{name} is too short to search for");
            for (var offset = 0; offset + 12 <= secret.Length; offset += 2)
            {
                Assert.True(file.AsSpan().IndexOf(secret.AsSpan(offset, 12)) < 0, $"{name} found in clear in the database file");
            }
        }
    }

    [Fact]
    public async Task SaveIdentity_ChangedKey_ReturnsTrueAndBecomesUntrusted()
    {
        var fixture = Fixture.Create();
        using var store = SqliteProtocolStore.Create(DbPath, Passphrase, fixture.Identity, 1, s_fast);
        var other = IdentityKeyPair.Generate().IdentityKey;

        Assert.True(await store.IsTrustedIdentityAsync(s_bob, fixture.Bob.IdentityKey, Direction.Sending));
        Assert.False(await store.SaveIdentityAsync(s_bob, fixture.Bob.IdentityKey));
        Assert.False(await store.SaveIdentityAsync(s_bob, fixture.Bob.IdentityKey));
        Assert.False(await store.IsTrustedIdentityAsync(s_bob, other, Direction.Receiving));
        Assert.True(await store.SaveIdentityAsync(s_bob, other));
        Assert.Equal(other, await store.GetIdentityAsync(s_bob));
    }

    [Fact]
    public async Task MarkKyberPreKeyUsed_OneTimeAndLastResort_DeletesOnlyOneTime()
    {
        var fixture = Fixture.Create();
        using var store = SqliteProtocolStore.Create(DbPath, Passphrase, fixture.Identity, 1, s_fast);
        await store.StoreKyberPreKeyAsync(11, fixture.KyberPreKey);
        await store.StoreKyberPreKeyAsync(12, fixture.KyberPreKey, lastResort: true);

        await store.MarkKyberPreKeyUsedAsync(11);
        await store.MarkKyberPreKeyUsedAsync(12);

        Assert.Null(await store.LoadKyberPreKeyAsync(11));
        Assert.NotNull(await store.LoadKyberPreKeyAsync(12));
    }

    [Fact]
    public async Task RemovePreKey_Stored_LoadReturnsNull()
    {
        var fixture = Fixture.Create();
        using var store = SqliteProtocolStore.Create(DbPath, Passphrase, fixture.Identity, 1, s_fast);
        await store.StorePreKeyAsync(7, fixture.PreKey);

        await store.RemovePreKeyAsync(7);

        Assert.Null(await store.LoadPreKeyAsync(7));
    }

    [Fact]
    public async Task ChangePassphrase_ThenReopen_OnlyNewPassphraseWorks()
    {
        var identity = IdentityKeyPair.Generate();
        using (var store = SqliteProtocolStore.Create(DbPath, Passphrase, identity, 1, s_fast))
        {
            Assert.Throws<WrongPassphraseException>(() => store.ChangePassphrase("not it", "new passphrase", s_fast));
            store.ChangePassphrase(Passphrase, "new passphrase", s_fast);
        }

        Assert.Throws<WrongPassphraseException>(() => SqliteProtocolStore.Open(DbPath, Passphrase));
        using var reopened = SqliteProtocolStore.Open(DbPath, "new passphrase");
        Assert.Equal(identity.Serialize(), (await reopened.GetIdentityKeyPairAsync()).Serialize());
    }

    [Fact]
    public void Open_KdfCostLoweredInFile_ThrowsWrongPassphrase()
    {
        SqliteProtocolStore.Create(DbPath, Passphrase, IdentityKeyPair.Generate(), 1, new SqliteStoreOptions(MemoryKiB: 9 * 1024, Passes: 1)).Dispose();

        // The wrapped key's AAD binds the Argon2id parameters: a downgraded file does not open.
        RawExecute("UPDATE cloudy_meta SET value = 8192 WHERE name = 'kdf_memory_kib'");

        Assert.Throws<WrongPassphraseException>(() => SqliteProtocolStore.Open(DbPath, Passphrase));
    }

    [Fact]
    public void Create_OnExistingStore_ThrowsStoreFormat()
    {
        SqliteProtocolStore.Create(DbPath, Passphrase, IdentityKeyPair.Generate(), 1, s_fast).Dispose();

        Assert.Throws<StoreFormatException>(() => SqliteProtocolStore.Create(DbPath, Passphrase, IdentityKeyPair.Generate(), 1, s_fast));
    }

    [Fact]
    public void Open_FileThatIsNotADatabase_ThrowsStoreFormat()
    {
        File.WriteAllBytes(DbPath, RandomNumberGenerator.GetBytes(8192));

        Assert.Throws<StoreFormatException>(() => SqliteProtocolStore.Open(DbPath, Passphrase));
    }

    [Fact]
    public void Open_UnrelatedSqliteDatabase_ThrowsStoreFormatAndLeavesFileAlone()
    {
        RawExecute("CREATE TABLE unrelated (x INTEGER)");
        var before = File.ReadAllBytes(DbPath);

        Assert.Throws<StoreFormatException>(() => SqliteProtocolStore.Open(DbPath, Passphrase));

        Assert.Equal(before, File.ReadAllBytes(DbPath));
    }

    [Fact]
    public void Create_EmptyPassphrase_ThrowsArgument()
    {
        Assert.Throws<ArgumentException>(() => SqliteProtocolStore.Create(DbPath, "", IdentityKeyPair.Generate(), 1, s_fast));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8 * 5)]
    [InlineData(-1)]
    public async Task Load_BitFlippedInVersionNonceOrTag_ThrowsTamperedRecord(int bitIndex)
    {
        await SeedAsync((store, f) => store.StorePreKeyAsync(7, f.PreKey));

        FlipStoredBit("prekey", bitIndex);
        using var reopened = SqliteProtocolStore.Open(DbPath, Passphrase);

        await Assert.ThrowsAsync<TamperedRecordException>(() => reopened.LoadPreKeyAsync(7));
    }

    [Fact]
    public async Task Load_ValueReplacedByText_ThrowsTamperedRecord()
    {
        await SeedAsync((store, f) => store.StorePreKeyAsync(7, f.PreKey));

        RawExecute("UPDATE cloudy_records SET value = 'x' WHERE kind = 'prekey'");
        using var reopened = SqliteProtocolStore.Open(DbPath, Passphrase);

        await Assert.ThrowsAsync<TamperedRecordException>(() => reopened.LoadPreKeyAsync(7));
    }

    /// <summary>Flips one bit of the only stored record of <paramref name="kind"/> (negative index counts from the end).</summary>
    private void FlipStoredBit(string kind, int bitIndex)
    {
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT id, value FROM cloudy_records WHERE kind = $kind";
        select.Parameters.AddWithValue("$kind", kind);
        byte[] id, value;
        using (var reader = select.ExecuteReader())
        {
            Assert.True(reader.Read());
            id = (byte[])reader[0];
            value = (byte[])reader[1];
            Assert.False(reader.Read());
        }

        var bit = bitIndex >= 0 ? bitIndex : (value.Length * 8) + bitIndex;
        value[bit / 8] ^= (byte)(1 << (bit % 8));
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE cloudy_records SET value = $value WHERE kind = $kind AND id = $id";
        update.Parameters.AddWithValue("$value", value);
        update.Parameters.AddWithValue("$kind", kind);
        update.Parameters.AddWithValue("$id", id);
        Assert.Equal(1, update.ExecuteNonQuery());
    }

    /// <summary>Creates the store file, writes through <paramref name="write"/>, and closes it.</summary>
    private async Task<Fixture> SeedAsync(Func<SqliteProtocolStore, Fixture, Task> write, uint registrationId = 1)
    {
        var fixture = Fixture.Create();
        using var store = SqliteProtocolStore.Create(DbPath, Passphrase, fixture.Identity, registrationId, s_fast);
        await write(store, fixture);
        return fixture;
    }

    private void RawExecute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.True(command.ExecuteNonQuery() >= 0);
    }

    private sealed record Fixture(
        IdentityKeyPair Identity,
        IdentityKeyPair Bob,
        PreKeyRecord PreKey,
        SignedPreKeyRecord SignedPreKey,
        KyberPreKeyRecord KyberPreKey,
        byte[] RootKey,
        SessionRecord Session)
    {
        public static Fixture Create()
        {
            var identity = IdentityKeyPair.Generate();
            var bob = IdentityKeyPair.Generate();
            var rootKey = RandomNumberGenerator.GetBytes(32);
            var state = new SessionState(4, identity.IdentityKey, bob.IdentityKey, rootKey, ECKeyPair.Generate().PublicKey.Serialize());
            return new Fixture(
                identity,
                bob,
                PreKeyRecord.Generate(7),
                SignedPreKeyRecord.Generate(3, identity),
                KyberPreKeyRecord.Generate(11, identity),
                rootKey,
                new SessionRecord(state));
        }

        public async Task WriteAllAsync(SqliteProtocolStore store)
        {
            Assert.False(await store.SaveIdentityAsync(s_bob, Bob.IdentityKey));
            await store.StorePreKeyAsync(7, PreKey);
            await store.StoreSignedPreKeyAsync(3, SignedPreKey);
            await store.StoreKyberPreKeyAsync(11, KyberPreKey);
            await store.StoreSessionAsync(s_bob, Session);
        }
    }
}
