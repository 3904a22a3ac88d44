using System.CommandLine;
using Cloudy.Cli.Profiles;
using Cloudy.Client.Messaging;
using Cloudy.Protocol.Recovery;

namespace Cloudy.Cli.Commands;

/// <summary><c>cloudy init</c>: a new account with this profile as its first device.</summary>
internal static class InitCommand
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var noLink = new Option<bool>("--no-link") { Description = "Do not enable the public link (others can then not add you until `cloudy link enable`)." };
        var command = new Command("init", "Create an account: device key, Signal identity and prekeys (uploaded), recovery words (shown once), public link.")
        {
            noLink,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var profile = Profile.Locate(context, parse.GetValue(globals.Profile));
            var server = parse.GetValue(globals.Server) ?? Profile.DefaultServer;
            using var recovery = RecoveryKey.Generate();
            using var session = await ProfileSession.CreateAsync(context, profile, server, recovery.DeriveIdentityKeyPair(),
                (http, store, state) => Messenger.CreateAccountAsync(http, store, state, cancellationToken: cancellationToken));
            var messenger = session.Messenger;
            var output = context.Out;
            await output.WriteLineAsync($"Profile '{profile.Name}' created in {profile.Directory}");
            await output.WriteLineAsync($"Server:   {server}");
            await output.WriteLineAsync($"Account:  {messenger.AccountId} (device {messenger.DeviceId})");
            await output.WriteLineAsync();
            await output.WriteLineAsync("Recovery words — write them down now; they are shown only this once. They restore your");
            await output.WriteLineAsync("identity key and let you link more devices (`cloudy devices link --code`):");
            var words = recovery.ToWords();
            for (var i = 0; i < words.Length; i += 6)
            {
                await output.WriteLineAsync("  " + string.Join(' ', words.Skip(i).Take(6).Select((w, j) => $"{i + j + 1,2}.{w}")));
            }

            await output.WriteLineAsync();
            if (!parse.GetValue(noLink))
            {
                var handle = await messenger.Identity.EnablePublicLinkAsync(cancellationToken);
                await output.WriteLineAsync($"Your public link: {handle}");
                await output.WriteLineAsync($"Others add you with: cloudy contact add {handle} <name>");
            }
            else
            {
                await output.WriteLineAsync("Public link disabled; enable it with `cloudy link enable`.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
