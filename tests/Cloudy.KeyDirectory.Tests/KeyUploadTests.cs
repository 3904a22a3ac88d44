extern alias Service;

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloudy.Contracts;
using Cloudy.KeyDirectory.Tests.Support;
using Cloudy.Protocol.Keys;
using Cloudy.Testing;
using Service::Cloudy.KeyDirectory.Http;

namespace Cloudy.KeyDirectory.Tests;

/// <summary>PUT /v1/keys through real Kestrel against real Garnet, with keys and signatures made by Cloudy.Protocol.</summary>
[Collection(GarnetCollection.Name)]
public sealed class KeyUploadTests(GarnetFixture garnet) : KeyDirectoryTestBase(garnet)
{

    [Fact]
    public async Task Upload_FullBundle_FetchReturnsExactlyTheUploadedKeys()
    {
        var account = TokenMinter.NewAccountId();
        var device = new ClientKeys();
        var upload = device.FullUpload(ec: 3, pq: 2);
        var owner = Client(account, 1);
        await owner.UploadOkAsync(upload);

        var other = Stranger();
        var bundle = Assert.Single((await other.BundleAsync($"/v1/keys/{account}/1")).Devices);

        Assert.Equal(1, bundle.DeviceId);
        Assert.Equal(device.RegistrationId, bundle.RegistrationId);
        Assert.Equal(device.Identity.IdentityKey.Serialize(), bundle.IdentityKey);
        Assert.Equal(upload.SignedPreKey, bundle.SignedPreKey, EntityComparer.Instance);
        Assert.Equal(upload.PreKeys![0], bundle.PreKey, EntityComparer.Instance);
        Assert.Equal(upload.PqPreKeys![0], bundle.PqPreKey, EntityComparer.Instance);
        Assert.False(bundle.PqPreKeyIsLastResort);
        Assert.Empty(Host.Bus.Of<IdentityKeyChanged>(Topics.Keys, account));
    }

    [Theory]
    [InlineData("signedPreKey")]
    [InlineData("pqPreKeys")]
    [InlineData("pqLastResortPreKey")]
    [InlineData("signedByAnotherIdentity")]
    [InlineData("pqSignedWithoutTypeByte")]
    public async Task Upload_BadSignature_Returns422AndStoreUnchanged(string flaw)
    {
        var account = TokenMinter.NewAccountId();
        var device = new ClientKeys();
        var client = Client(account, 1);
        await client.UploadOkAsync(device.FullUpload(ec: 3, pq: 3));
        var before = await StoreSnapshot.BaselineAsync(Garnet.Connection);

        var refill = device.FullUpload(ec: 5, pq: 4, firstId: 100) with { IdentityKey = null, RegistrationId = null };
        refill = flaw switch
        {
            "signedPreKey" => refill with { SignedPreKey = Tamper(refill.SignedPreKey!) },
            "pqPreKeys" => refill with { PqPreKeys = [.. refill.PqPreKeys!.Select((k, i) => i == 2 ? Tamper(k!) : k)] },
            "pqLastResortPreKey" => refill with { PqLastResortPreKey = Tamper(refill.PqLastResortPreKey!) },
            "signedByAnotherIdentity" => refill with { SignedPreKey = new ClientKeys().SignedPreKey(8) },
            // libsignal signs the serialized key including its 0x08 type byte; a signature over the bare key must fail.
            _ => refill with { PqLastResortPreKey = SignBareKyberKey(device) },
        };

        using var response = await client.UploadAsync(refill);

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        await StoreSnapshot.AssertUnchangedAsync(Garnet.Connection, before);
    }

    [Fact]
    public async Task Upload_FirstUploadWithBadSignature_Returns422AndWritesNothing()
    {
        var account = TokenMinter.NewAccountId();
        var upload = new ClientKeys().FullUpload(ec: 2, pq: 2);
        var before = await StoreSnapshot.BaselineAsync(Garnet.Connection);
        var client = Client(account, 1);

        using var response = await client.UploadAsync(upload with { PqPreKeys = [upload.PqPreKeys![0], Tamper(upload.PqPreKeys[1]!)] });

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        await StoreSnapshot.AssertUnchangedAsync(Garnet.Connection, before);
    }

    public static TheoryData<string> MalformedBodies => new(
        "truncated-json", "json-array", "json-null", "empty-object", "identityKey-not-base64", "identityKey-32-bytes",
        "identityKey-type-byte", "registrationId-0", "registrationId-too-large", "registrationId-string", "signedPreKey-no-keyId",
        "signedPreKey-is-kyber", "signedPreKey-signature-63-bytes", "preKeys-34-bytes", "preKeys-negative-id", "preKeys-id-over-uint32",
        "preKeys-duplicate-id", "preKeys-null-element", "preKeys-101", "pqPreKeys-101", "pqPreKeys-ec-key", "pqPreKeys-truncated-kyber",
        "pqPreKeys-duplicate-id", "pqLastResort-no-signature", "pqLastResort-wrong-type-byte");

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Upload_MalformedBody_Returns400AndStoreUnchanged(string flaw)
    {
        var account = TokenMinter.NewAccountId();
        var device = new ClientKeys();
        var client = Client(account, 1);
        await client.UploadOkAsync(device.FullUpload(ec: 2, pq: 2));
        var before = await StoreSnapshot.BaselineAsync(Garnet.Connection);

        using var response = await client.UploadRawAsync(Malformed(device, flaw));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        await StoreSnapshot.AssertUnchangedAsync(Garnet.Connection, before);
    }

    [Theory]
    [InlineData("identityKey")]
    [InlineData("registrationId")]
    [InlineData("signedPreKey")]
    [InlineData("pqLastResortPreKey")]
    public async Task Upload_FirstUploadMissingRequiredKey_Returns400AndWritesNothing(string missing)
    {
        var upload = new ClientKeys().FullUpload(ec: 1, pq: 1);
        upload = missing switch
        {
            "identityKey" => upload with { IdentityKey = null },
            "registrationId" => upload with { RegistrationId = null },
            "signedPreKey" => upload with { SignedPreKey = null },
            _ => upload with { PqLastResortPreKey = null },
        };
        var before = await StoreSnapshot.BaselineAsync(Garnet.Connection);
        var client = Stranger();

        using var response = await client.UploadAsync(upload);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        await StoreSnapshot.AssertUnchangedAsync(Garnet.Connection, before);
    }

    [Fact]
    public async Task Upload_WrongMediaType_Returns415()
    {
        var client = Stranger();

        using var response = await client.UploadRawAsync(Serialize(new ClientKeys().FullUpload(1, 1)), "text/plain");

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Upload_BodyOverLimit_Returns413AndWritesNothing()
    {
        var before = await StoreSnapshot.BaselineAsync(Garnet.Connection);
        var client = Stranger();
        var padding = new string('A', 600 * 1024);

        using var response = await client.UploadRawAsync($$"""{"registrationId":1,"padding":"{{padding}}"}""");

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await StoreSnapshot.AssertUnchangedAsync(Garnet.Connection, before);
    }

    [Fact]
    public async Task Upload_HundredOfEachKind_IsAccepted()
    {
        var account = TokenMinter.NewAccountId();
        var client = Client(account, 1);

        await client.UploadOkAsync(new ClientKeys().FullUpload(ec: 100, pq: 100));

        var counts = await client.CountsAsync();
        Assert.Equal(100, counts.PreKeyCount);
        Assert.Equal(100, counts.PqPreKeyCount);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("expired")]
    [InlineData("forged")]
    [InlineData("garbage")]
    public async Task Upload_MissingExpiredOrForgedToken_Returns401AndWritesNothing(string token)
    {
        var client = BadTokenClient(token, TokenMinter.NewAccountId());
        var before = await StoreSnapshot.BaselineAsync(Garnet.Connection);

        using var response = await client.UploadAsync(new ClientKeys().FullUpload(1, 1));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await StoreSnapshot.AssertUnchangedAsync(Garnet.Connection, before);
    }

    [Fact]
    public async Task Upload_DifferentIdentityKey_ReplacesItPublishesIdentityKeyChangedOnceAndDropsOldOneTimeKeys()
    {
        var account = TokenMinter.NewAccountId();
        var client = Client(account, 2);
        await client.UploadOkAsync(new ClientKeys().FullUpload(ec: 5, pq: 5));
        var reinstalled = new ClientKeys();

        // A new identity with new signed keys but no one-time keys: the old ones belong to the old identity.
        await client.UploadOkAsync(reinstalled.FullUpload(ec: 0, pq: 0) with { PreKeys = null, PqPreKeys = null });

        var changed = Assert.Single(Host.Bus.Of<IdentityKeyChanged>(Topics.Keys, account));
        Assert.Equal((account, 2), (changed.AccountId, changed.DeviceId));
        Assert.Equal(new PreKeyCountsResponse(0, 0), await client.CountsAsync());
        var other = Stranger();
        var bundle = Assert.Single((await other.BundleAsync($"/v1/keys/{account}/2")).Devices);
        Assert.Equal(reinstalled.Identity.IdentityKey.Serialize(), bundle.IdentityKey);
        Assert.True(bundle.PqPreKeyIsLastResort);
        Assert.Null(bundle.PreKey);
    }

    [Fact]
    public async Task Upload_BusDownDuringIdentityChange_NextUploadPublishesTheRecordedEventOnce()
    {
        var (account, client) = await UploadedAsync(ec: 1, pq: 1);
        var reinstalled = new ClientKeys().FullUpload(ec: 1, pq: 1);

        Host.Bus.Fail = true;
        try
        {
            using var failed = await client.UploadAsync(reinstalled);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);   // a broker outage is a server fault
        }
        finally
        {
            Host.Bus.Fail = false;
        }

        Assert.Empty(Host.Bus.Of<IdentityKeyChanged>(Topics.Keys, account));
        await client.UploadOkAsync(reinstalled);   // the client retries: same key now, but the change is still owed
        await client.UploadOkAsync(reinstalled);

        var changed = Assert.Single(Host.Bus.Of<IdentityKeyChanged>(Topics.Keys, account));
        Assert.Equal((account, 1), (changed.AccountId, changed.DeviceId));
        var snapshot = await StoreSnapshot.TakeAsync(Garnet.Connection, $"kd:{{{account}}}:dev:1");
        Assert.DoesNotContain("ikEvent=", snapshot.Values.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_NewIdentityKeyWithoutNewSignedKeys_Returns400AndStoreUnchanged()
    {
        var (account, client) = await UploadedAsync(ec: 1, pq: 1);
        var before = await StoreSnapshot.BaselineAsync(Garnet.Connection);
        var reinstalled = new ClientKeys();

        using var response = await client.UploadAsync(new UploadKeysRequest(null, reinstalled.Identity.IdentityKey.Serialize(), null, null, null, null));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        await StoreSnapshot.AssertUnchangedAsync(Garnet.Connection, before);
        Assert.Empty(Host.Bus.Of<IdentityKeyChanged>(Topics.Keys, account));
    }

    [Fact]
    public async Task Upload_RefillWithoutIdentityKey_VerifiesAgainstStoredKeyAndReplacesOneTimeKeys()
    {
        var account = TokenMinter.NewAccountId();
        var device = new ClientKeys();
        var client = Client(account, 1);
        await client.UploadOkAsync(device.FullUpload(ec: 2, pq: 2));

        await client.UploadOkAsync(new UploadKeysRequest(null, null, null, device.PreKeys(4, 50), device.PqPreKeys(3, 60), null));
        await client.UploadOkAsync(device.FullUpload(ec: 0, pq: 0) with { PreKeys = null, PqPreKeys = null });   // same identity again

        Assert.Equal(new PreKeyCountsResponse(4, 3), await client.CountsAsync());
        Assert.Empty(Host.Bus.Of<IdentityKeyChanged>(Topics.Keys, account));
        var other = Stranger();
        var bundle = Assert.Single((await other.BundleAsync($"/v1/keys/{account}")).Devices);
        Assert.Equal(50u, bundle.PreKey!.KeyId);
        Assert.Equal(60u, bundle.PqPreKey.KeyId);
    }

    private static SignedPreKeyEntity Tamper(SignedPreKeyEntity key)
    {
        var signature = (byte[])key.Signature!.Clone();
        signature[5] ^= 0x01;
        return key with { Signature = signature };
    }

    private static SignedPreKeyEntity SignBareKyberKey(ClientKeys device)
    {
        var serialized = KyberKeyPair.Generate().PublicKey.Serialize();
        return new SignedPreKeyEntity(1, serialized, device.Identity.Sign(serialized.AsSpan(1)));
    }

    private static string Serialize(UploadKeysRequest upload) => JsonSerializer.Serialize(upload, KeyDirectoryJsonContext.Default.UploadKeysRequest);

    /// <summary>A refill upload (signed by the stored identity) with one flaw.</summary>
    private static string Malformed(ClientKeys device, string flaw)
    {
        var node = JsonNode.Parse(Serialize(device.FullUpload(ec: 2, pq: 2, firstId: 10)))!.AsObject();
        var preKey = node["preKeys"]![0]!.AsObject();
        var pqKey = node["pqPreKeys"]![0]!.AsObject();
        var ecBytes = Convert.ToBase64String(ECKeyPair.Generate().PublicKey.Serialize());
        switch (flaw)
        {
            case "truncated-json": return node.ToJsonString()[..40];
            case "json-array": return "[]";
            case "json-null": return "null";
            case "empty-object": return "{}";
            case "identityKey-not-base64": node["identityKey"] = "%%%not base64%%%"; break;
            case "identityKey-32-bytes": node["identityKey"] = Convert.ToBase64String(device.Identity.PublicKey.PublicKeyBytes); break;
            case "identityKey-type-byte": node["identityKey"] = Convert.ToBase64String([0x06, .. device.Identity.PublicKey.PublicKeyBytes]); break;
            case "registrationId-0": node["registrationId"] = 0; break;
            case "registrationId-too-large": node["registrationId"] = 16381; break;
            case "registrationId-string": node["registrationId"] = "1"; break;
            case "signedPreKey-no-keyId": node["signedPreKey"]!.AsObject().Remove("keyId"); break;
            case "signedPreKey-is-kyber": node["signedPreKey"]!["publicKey"] = pqKey["publicKey"]!.DeepClone(); break;
            case "signedPreKey-signature-63-bytes": node["signedPreKey"]!["signature"] = Convert.ToBase64String(new byte[63]); break;
            case "preKeys-34-bytes": preKey["publicKey"] = Convert.ToBase64String(new byte[34]); break;
            case "preKeys-negative-id": preKey["keyId"] = -1; break;
            case "preKeys-id-over-uint32": preKey["keyId"] = 4294967296L; break;
            case "preKeys-duplicate-id": node["preKeys"]![1]!["keyId"] = preKey["keyId"]!.DeepClone(); break;
            case "preKeys-null-element": node["preKeys"]!.AsArray().Add(null); break;
            case "preKeys-101":
                node["preKeys"] = new JsonArray([.. Enumerable.Range(1, 101).Select(i => (JsonNode)new JsonObject { ["keyId"] = i, ["publicKey"] = ecBytes })]);
                break;
            case "pqPreKeys-101":
                node["pqPreKeys"] = new JsonArray([.. Enumerable.Range(1, 101).Select(i => pqKey.DeepClone())]);
                break;
            case "pqPreKeys-ec-key": pqKey["publicKey"] = ecBytes; break;
            case "pqPreKeys-truncated-kyber": pqKey["publicKey"] = Convert.ToBase64String(Convert.FromBase64String((string)pqKey["publicKey"]!)[..^1]); break;
            case "pqPreKeys-duplicate-id": node["pqPreKeys"]![1]!["keyId"] = pqKey["keyId"]!.DeepClone(); break;
            case "pqLastResort-no-signature": node["pqLastResortPreKey"]!.AsObject().Remove("signature"); break;
            case "pqLastResort-wrong-type-byte":
                var bytes = Convert.FromBase64String((string)node["pqLastResortPreKey"]!["publicKey"]!);
                bytes[0] = 0x05;
                node["pqLastResortPreKey"]!["publicKey"] = Convert.ToBase64String(bytes);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(flaw), flaw, null);
        }

        return node.ToJsonString();
    }
}
