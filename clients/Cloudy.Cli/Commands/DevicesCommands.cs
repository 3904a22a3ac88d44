using System.CommandLine;
using Cloudy.Cli.Profiles;
using Cloudy.Client.Messaging;
using Cloudy.Protocol.Recovery;

namespace Cloudy.Cli.Commands;

/// <summary><c>cloudy devices list|link|remove</c>.</summary>
internal static class DevicesCommands
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var devices = new Command("devices", "Devices of my account.");

        var list = new Command("list", "List my account's devices.");
        list.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(context, parse);
            foreach (var device in await session.Messenger.Identity.ListDevicesAsync(cancellationToken))
            {
                var me = device.DeviceId == session.Messenger.DeviceId ? "  (this device)" : "";
                var key = Convert.FromBase64String(Base64UrlPad(device.SigningKey));
                await context.Out.WriteLineAsync($"{device.DeviceId,3}  added {device.CreatedAt:yyyy-MM-dd HH:mm}  key {Output.Fingerprint(key)}{me}");
            }

            return ExitCodes.Ok;
        });

        var code = new Option<string?>("--code") { Description = "On the NEW device's profile: redeem a code issued by an existing device." };
        var link = new Command("link",
            "Link a new device. On an existing device: prints a one-time code. On the new profile: `cloudy --profile NEW devices link --code CODE` " +
            "(asks for a new passphrase and the account's recovery words; CLOUDY_RECOVERY_WORDS works too).") { code };
        link.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(code) is { } redeem)
            {
                return await RedeemAsync(context, globals, parse, redeem, cancellationToken);
            }

            using var session = globals.Open(context, parse);
            var issued = (await session.Messenger.Identity.IssueLinkCodeAsync(cancellationToken))!;
            await context.Out.WriteLineAsync($"Link code (one use, valid until {issued.ExpiresAt.ToLocalTime():HH:mm:ss}):");
            await context.Out.WriteLineAsync("  " + issued.Code);
            await context.Out.WriteLineAsync($"On the new device: cloudy --profile <new> devices link --code {issued.Code}");
            return ExitCodes.Ok;
        });

        var id = new Argument<int>("device-id") { Description = "The device to remove (see `cloudy devices list`)." };
        var remove = new Command("remove", "Remove a device from my account.") { id };
        remove.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(context, parse);
            var deviceId = parse.GetValue(id);
            await session.Messenger.Identity.RemoveDeviceAsync(deviceId, cancellationToken);
            await context.Out.WriteLineAsync($"Device {deviceId} removed.");
            return ExitCodes.Ok;
        });

        devices.Subcommands.Add(list);
        devices.Subcommands.Add(link);
        devices.Subcommands.Add(remove);
        return devices;
    }

    /// <summary>
    /// Creates this profile as a new device of an existing account. The identity key comes from the recovery
    /// words, so every device of the account presents the same identity (and the same safety numbers).
    /// </summary>
    private static async Task<int> RedeemAsync(CliContext context, GlobalOptions globals, ParseResult parse, string redeem, CancellationToken cancellationToken)
    {
        var profile = Profile.Locate(context, parse.GetValue(globals.Profile));
        var server = parse.GetValue(globals.Server) ?? Profile.DefaultServer;
        RecoveryKey recovery;
        try
        {
            recovery = RecoveryKey.Parse(Secrets.RecoveryWords(context));
        }
        catch (RecoveryKeyFormatException e)
        {
            throw new CliException("Those recovery words are not valid: " + e.Message);
        }

        using (recovery)
        {
            using var session = await ProfileSession.CreateAsync(context, profile, server, recovery.DeriveIdentityKeyPair(),
                (http, store, state) => Messenger.LinkDeviceAsync(http, redeem.Trim(), store, state, cancellationToken: cancellationToken));
            await context.Out.WriteLineAsync($"Profile '{profile.Name}' is now device {session.Messenger.DeviceId} of account {session.Messenger.AccountId}.");
            return ExitCodes.Ok;
        }
    }

    private static string Base64UrlPad(string value)
    {
        var standard = value.Replace('-', '+').Replace('_', '/');
        return standard + new string('=', (4 - standard.Length % 4) % 4);
    }
}
