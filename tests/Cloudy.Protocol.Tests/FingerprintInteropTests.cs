using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Fingerprints;
using Cloudy.Protocol.Tests.Interop;

namespace Cloudy.Protocol.Tests;

/// <summary>
/// Safety numbers computed by Cloudy.Protocol against the pinned @signalapp/libsignal-client
/// (tests/interop/fingerprint.mjs under Node) for the same identities. The harness fixture installs
/// the pinned package and reports the version it loaded.
/// </summary>
public sealed class FingerprintInteropTests(LibsignalHarness harness) : IClassFixture<LibsignalHarness>
{
    private const int Pairs = 24;

    [Fact]
    public void CreateFor_RandomIdentityPairs_InteropMatchesLibsignalDisplayAndScannable()
    {
        var random = new Random(20261124);
        var cases = new List<(byte[] LocalId, byte[] LocalKey, byte[] RemoteId, byte[] RemoteKey, uint Version)>();
        for (var i = 0; i < Pairs; i++)
        {
            // Identifiers of varied length, including empty and binary ones (service ids are 16 bytes).
            cases.Add((RandomBytes(random, i % 5 * 8), RandomIdentityKey(random), RandomBytes(random, 16), RandomIdentityKey(random), (uint)(i % 3)));
        }

        var ours = cases.Select(c => new NumericFingerprintGenerator().CreateFor(c.Version, c.LocalId, c.LocalKey, c.RemoteId, c.RemoteKey)).ToList();
        // Each libsignal computation is the *other* side of the conversation, comparing with our scannable.
        var input = new JsonObject
        {
            ["cases"] = new JsonArray(cases.Select((c, i) => (JsonNode)new JsonObject
            {
                ["iterations"] = NumericFingerprintGenerator.DefaultIterations,
                ["version"] = c.Version,
                ["localId"] = Convert.ToHexStringLower(c.RemoteId),
                ["localKey"] = Convert.ToHexStringLower(c.RemoteKey),
                ["remoteId"] = Convert.ToHexStringLower(c.LocalId),
                ["remoteKey"] = Convert.ToHexStringLower(c.LocalKey),
                ["theirScannable"] = Convert.ToHexStringLower(ours[i].Scannable.Serialize()),
            }).ToArray()),
        };

        var results = RunFingerprintScript(input)["results"]!.AsArray();

        Assert.Equal(Pairs, results.Count);
        for (var i = 0; i < Pairs; i++)
        {
            var theirs = results[i]!;
            var mirrored = new NumericFingerprintGenerator().CreateFor(cases[i].Version, cases[i].RemoteId, cases[i].RemoteKey, cases[i].LocalId, cases[i].LocalKey);
            Assert.Equal(ours[i].Displayable.Value, theirs["display"]!.GetValue<string>());
            Assert.Equal(Convert.ToHexStringLower(mirrored.Scannable.Serialize()), theirs["scannable"]!.GetValue<string>());
            Assert.True(theirs["compare"]!.GetValue<bool>(), $"libsignal rejected our scannable fingerprint #{i}");
            Assert.True(ours[i].Scannable.Compare(Convert.FromHexString(theirs["scannable"]!.GetValue<string>())), $"we rejected libsignal's scannable fingerprint #{i}");
        }
    }

    [Fact]
    public void Serialize_SameIdentities_InteropBytesEqualLibsignal()
    {
        var random = new Random(7);
        var (localId, localKey, remoteId, remoteKey) = (RandomBytes(random, 16), RandomIdentityKey(random), RandomBytes(random, 16), RandomIdentityKey(random));
        var ours = new NumericFingerprintGenerator().CreateFor(2, localId, localKey, remoteId, remoteKey);
        var input = new JsonObject
        {
            ["cases"] = new JsonArray(new JsonObject
            {
                ["iterations"] = NumericFingerprintGenerator.DefaultIterations,
                ["version"] = 2,
                ["localId"] = Convert.ToHexStringLower(localId),
                ["localKey"] = Convert.ToHexStringLower(localKey),
                ["remoteId"] = Convert.ToHexStringLower(remoteId),
                ["remoteKey"] = Convert.ToHexStringLower(remoteKey),
                ["theirScannable"] = Convert.ToHexStringLower(ours.Scannable.Serialize()),
            }),
        };

        var theirs = RunFingerprintScript(input)["results"]![0]!;

        Assert.Equal(ours.Displayable.Value, theirs["display"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(ours.Scannable.Serialize()), theirs["scannable"]!.GetValue<string>());
        // Same side on both: libsignal, like us, must reject a fingerprint that is not mirrored.
        Assert.False(theirs["compare"]!.GetValue<bool>());
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] RandomIdentityKey(Random random)
    {
        var privateKey = RandomBytes(random, X25519.KeyLength);
        X25519.Clamp(privateKey);
        return [0x05, .. X25519.PublicFromPrivate(privateKey)];
    }

    private JsonNode RunFingerprintScript(JsonNode input)
    {
        var interop = LibsignalHarness.InteropDirectory;
        var start = new ProcessStartInfo("node", [Path.Combine(interop, "fingerprint.mjs")])
        {
            WorkingDirectory = interop,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.StandardInput.Write(input.ToJsonString());
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("fingerprint.mjs did not finish in 60 s");
        }

        Assert.True(process.ExitCode == 0, $"fingerprint.mjs failed ({process.ExitCode}): {stderr.Result}");
        var output = JsonNode.Parse(stdout) ?? throw new JsonException("empty output");
        Assert.Equal(harness.LibsignalVersion, output["libsignalVersion"]!.GetValue<string>());
        return output;
    }
}
