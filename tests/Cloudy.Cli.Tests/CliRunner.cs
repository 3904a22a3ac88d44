using Cloudy.Client.Messaging;
using Cloudy.Client.State;
using Cloudy.Client.Tests;
using Cloudy.Protocol.Recovery;
using Cloudy.Protocol.Stores;
using Cloudy.Testing;

namespace Cloudy.Cli.Tests;

/// <summary>The result of one <c>cloudy</c> invocation.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs <c>cloudy</c> command handlers in-process with redirected output, a private <c>CLOUDY_HOME</c> and the
/// passphrase in the (simulated) environment, against the real embedded host.
/// </summary>
internal sealed class CliRunner(EmbeddedServer server) : IDisposable
{
    private readonly TempDirectory _home = new("cloudy-cli-home");
    private HttpClient? _proberHttp;
    private Messenger? _prober;

    public string Home => _home.Path;

    public Dictionary<string, string?> Environment { get; } = new() { ["CLOUDY_PASSPHRASE"] = "correct horse battery staple" };

    public async Task<CliResult> RunAsync(params string[] args) => await RunWithInputAsync("", args);

    public async Task<CliResult> RunWithInputAsync(string input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new Dictionary<string, string?>(Environment) { ["CLOUDY_HOME"] = Home };
        var context = new CliContext(output, error, new StringReader(input), name => environment.GetValueOrDefault(name), Interactive: false);
        var exit = await CloudyCli.RunAsync([.. args, "--server", server.Address.ToString()], context);
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs and asserts success.</summary>
    public async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary><c>init</c> for <paramref name="profile"/>; returns its public link handle and recovery words.</summary>
    public async Task<(string Link, string Words)> InitAsync(string profile)
    {
        var result = await OkAsync("--profile", profile, "init");
        var account = result.Out.Split('\n').Single(l => l.StartsWith("Account:", StringComparison.Ordinal))["Account:".Length..].Trim().Split(' ')[0];
        await WaitForDeliveryAsync(account, 1);
        var link = result.Out.Split('\n').Single(l => l.StartsWith("Your public link: ", StringComparison.Ordinal))["Your public link: ".Length..].Trim();
        var words = string.Join(' ', result.Out.Split('\n')
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains('.', StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(w => w[(w.IndexOf('.', StringComparison.Ordinal) + 1)..]));
        return (link, words);
    }

    /// <summary>Initializes profiles <paramref name="a"/> and <paramref name="b"/> and has each add the other under the given name.</summary>
    public async Task PairAsync(string a, string nameOfA, string b, string nameOfB)
    {
        var (linkOfA, _) = await InitAsync(a);
        var (linkOfB, _) = await InitAsync(b);
        await OkAsync("--profile", a, "contact", "add", linkOfB, nameOfB);
        await OkAsync("--profile", b, "contact", "add", linkOfA, nameOfA);
    }

    /// <summary>Runs <c>inbox</c> until its output contains <paramref name="expected"/> (delivery is asynchronous).</summary>
    public async Task<string> InboxUntilAsync(string profile, string expected)
    {
        var seen = new System.Text.StringBuilder();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!seen.ToString().Contains(expected, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{expected}' never arrived; inbox showed:\n{seen}");
            seen.Append((await OkAsync("--profile", profile, "inbox")).Out);
        }

        return seen.ToString();
    }

    /// <summary>
    /// Waits until delivery knows <paramref name="device"/> of <paramref name="account"/> (it learns of registrations
    /// and links asynchronously, from identity's events), probing from an account of its own.
    /// </summary>
    public async Task WaitForDeliveryAsync(string account, int device)
    {
        if (_prober is null)
        {
            using var recovery = RecoveryKey.Generate();
            _proberHttp = server.NewHttpClient();
            _prober = await Messenger.CreateAccountAsync(_proberHttp, new InMemoryProtocolStore(recovery.DeriveIdentityKeyPair(), 7),
                new InMemoryClientStateStore(), new MessengerOptions { OneTimePreKeys = 2, PqPreKeys = 2 });
        }

        await DeliveryView.WaitForDeviceAsync(_prober, account, device);
    }

    public void Dispose()
    {
        _prober?.Dispose();
        _proberHttp?.Dispose();
        _home.Dispose();
    }
}
