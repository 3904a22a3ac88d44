using System.CommandLine;

namespace Cloudy.Cli.Commands;

/// <summary><c>cloudy keys</c>: my keys and their fingerprints (what the original Cloudy promised and never shipped).</summary>
internal static class KeysCommand
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var keys = new Command("keys", "Show my identity key, device key and fingerprints, and my prekeys left on the server.");
        keys.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(context, parse);
            var messenger = session.Messenger;
            var identity = (await messenger.GetMyIdentityAsync(cancellationToken)).Serialize();
            var device = messenger.Identity.Device!.PublicKey;
            var counts = await messenger.Keys.GetCountsAsync(cancellationToken);
            var output = context.Out;
            await output.WriteLineAsync($"Account:            {messenger.AccountId}");
            await output.WriteLineAsync($"Device:             {messenger.DeviceId}");
            await output.WriteLineAsync($"Identity key:       {Convert.ToBase64String(identity)}  (Curve25519, shared by all my devices)");
            await output.WriteLineAsync($"  fingerprint:      {Output.Fingerprint(identity)}");
            await output.WriteLineAsync($"Device signing key: {Convert.ToBase64String(device)}  (Ed25519, this device's login key)");
            await output.WriteLineAsync($"  fingerprint:      {Output.Fingerprint(device)}");
            await output.WriteLineAsync($"One-time prekeys on the server: {counts.PreKeyCount} EC (X25519), {counts.PqPreKeyCount} PQ (Kyber1024)");
            await output.WriteLineAsync("Private keys never leave this profile's encrypted store. Per-contact safety numbers: `cloudy safety <contact>`.");
            return ExitCodes.Ok;
        });
        return keys;
    }
}
