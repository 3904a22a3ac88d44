using System.Text;
using Cloudy.Client.State;
using Cloudy.Protocol.Storage.Sqlite;
using Cloudy.Testing;

namespace Cloudy.Client.Tests;

public sealed class SqliteClientStateStoreTests
{
    [Fact]
    public void Put_Reopened_ValueReadBackAndNeitherNameNorValueInFile()
    {
        using var folder = new TempDirectory("cloudy-state");
        var (file, identity) = CreateProfile(folder, "contacts/Carol-Name", "Carol-Value"u8.ToArray());

        using (var reopened = SqliteClientStateStore.Open(file, identity))
        {
            Assert.Equal("Carol-Value", Encoding.UTF8.GetString(reopened.Get("contacts/Carol-Name")!));
            Assert.Null(reopened.Get("contacts/nobody"));
        }

        var bytes = File.ReadAllBytes(file);
        Assert.Equal(-1, bytes.AsSpan().IndexOf("Carol"u8));
    }

    [Fact]
    public void Get_OpenedWithAnotherIdentity_FindsNothing()
    {
        using var folder = new TempDirectory("cloudy-state");
        var (file, _) = CreateProfile(folder, "device", "credentials"u8.ToArray());

        // Ids are keyed hashes, so another key neither finds nor decrypts the record.
        using var other = SqliteClientStateStore.Open(file, TestDevice.NewIdentity());
        Assert.Null(other.Get("device"));
    }

    /// <summary>A profile file (protocol store + client state) holding one record.</summary>
    private static (string File, Cloudy.Protocol.Keys.IdentityKeyPair Identity) CreateProfile(TempDirectory folder, string key, byte[] value)
    {
        var file = Path.Combine(folder.Path, "profile.db");
        var identity = TestDevice.NewIdentity();
        using (SqliteProtocolStore.Create(file, "pass", identity, 7, new SqliteStoreOptions(8 * 1024, 1)))
        using (var store = SqliteClientStateStore.Open(file, identity))
        {
            store.Put(key, value);
        }

        return (file, identity);
    }
}
