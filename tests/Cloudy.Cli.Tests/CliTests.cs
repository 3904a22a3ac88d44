using System.Text;
using Cloudy.Client.Messaging;
using Cloudy.Client.State;
using Cloudy.Client.Tests;
using Cloudy.Protocol.Recovery;
using Cloudy.Protocol.Stores;

namespace Cloudy.Cli.Tests;

/// <summary>The <c>cloudy</c> commands, run in-process against the real embedded host.</summary>
[Collection(ServerCollection.Name)]
public sealed class CliTests(EmbeddedServer server) : IDisposable
{
    private readonly CliRunner _cli = new(server);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Init_NewProfile_ShowsRecoveryWordsOnceAndRefusesSecondInit()
    {
        var (link, words) = await _cli.InitAsync("solo");

        Assert.Equal(24, words.Split(' ').Length);
        using (RecoveryKey.Parse(words))
        {
            // The words shown are a valid BIP-39 recovery key.
        }

        Assert.Equal(24, link.Length);
        Assert.True(File.Exists(Path.Combine(_cli.Home, "solo", "store.db")));
        var again = await _cli.RunAsync("--profile", "solo", "init");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(words.Split(' ')[0] + " " + words.Split(' ')[1], (await _cli.OkAsync("--profile", "solo", "keys")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendInbox_TwoProfiles_BothDirectionsWithReceiptAndNothingInClearOnDisk()
    {
        await _cli.PairAsync("alice", "Alicia-Contact-Name", "bob", "Bobby-Contact-Name");

        await _cli.OkAsync("--profile", "alice", "send", "Bobby-Contact-Name", "cli-secret-one", "two", "words");
        var atBob = await _cli.InboxUntilAsync("bob", "Alicia-Contact-Name: cli-secret-one two words");
        await _cli.OkAsync("--profile", "bob", "send", "Alicia-Contact-Name", "cli-secret-reply");
        var atAlice = await _cli.InboxUntilAsync("alice", "Bobby-Contact-Name: cli-secret-reply");
        if (!atAlice.Contains("✓ delivered to Bobby-Contact-Name", StringComparison.Ordinal))
        {
            atAlice += await _cli.InboxUntilAsync("alice", "✓ delivered to Bobby-Contact-Name");
        }

        var contacts = (await _cli.OkAsync("--profile", "alice", "contacts")).Out;
        Assert.Contains("Bobby-Contact-Name", contacts, StringComparison.Ordinal);
        Assert.Contains("✓ delivered to Bobby-Contact-Name", atAlice, StringComparison.Ordinal);
        Assert.Contains("cli-secret-one two words", atBob, StringComparison.Ordinal);

        string[] secrets = ["cli-secret-one", "cli-secret-reply", "Bobby-Contact-Name", "Alicia-Contact-Name"];
        foreach (var file in Directory.EnumerateFiles(_cli.Home, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.All(secrets, s => Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(s)) < 0, $"{s} in {file}"));
        }

        Assert.Empty(await server.FindInServerDataAsync(secrets));
    }

    [Fact]
    public async Task Safety_BothSides_ShowTheSameNumberAndKeysShowsFingerprint()
    {
        await _cli.PairAsync("sa", "alice", "sb", "bob");

        var atAlice = (await _cli.OkAsync("--profile", "sa", "safety", "bob")).Out;
        var atBob = (await _cli.OkAsync("--profile", "sb", "safety", "alice")).Out;
        var bobKeys = (await _cli.OkAsync("--profile", "sb", "keys")).Out;

        Assert.Equal(Digits(atAlice), Digits(atBob));
        Assert.Equal(60, Digits(atAlice).Length);
        var bobFingerprint = Line(bobKeys, "  fingerprint:").Split(':', 2)[1].Trim();
        Assert.Contains("Their identity key fingerprint: " + bobFingerprint, atAlice, StringComparison.Ordinal);
        Assert.Contains("One-time prekeys on the server: 49 EC (X25519), 19 PQ (Kyber1024)", bobKeys, StringComparison.Ordinal);
        Assert.Contains("Marked bob as verified", (await _cli.OkAsync("--profile", "sa", "safety", "bob", "--verified")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ContactPresentsNewIdentityKey_WarnsUntilAccepted()
    {
        await _cli.InitAsync("ka");
        var (bobLink, _) = await _cli.InitAsync("kb");
        await _cli.OkAsync("--profile", "ka", "contact", "add", bobLink, "bob");
        await _cli.OkAsync("--profile", "kb", "devices", "list");

        // Bob "reinstalls": a device with a different identity key joins his account and the old device is removed.
        var code = Line((await _cli.OkAsync("--profile", "kb", "devices", "link")).Out, "  ").Trim();
        using var http = server.NewHttpClient();
        using var recovery = RecoveryKey.Generate();
        using var reinstalled = await Messenger.LinkDeviceAsync(http, code,
            new InMemoryProtocolStore(recovery.DeriveIdentityKeyPair(), 42), new InMemoryClientStateStore(),
            new MessengerOptions { OneTimePreKeys = 2, PqPreKeys = 2 });
        await _cli.OkAsync("--profile", "kb", "devices", "remove", "1");

        // Delivery learns of device changes from identity's events; until it has, a send may still go to device 1.
        CliResult refused;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            refused = await _cli.RunAsync("--profile", "ka", "send", "bob", "are you still you?");
            if (refused.ExitCode != 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(250);   // every try is a real send: stay well under the 300 sends a minute per sender
        }

        var warned = await _cli.RunAsync("--profile", "ka", "safety", "bob");
        var contacts = (await _cli.OkAsync("--profile", "ka", "contacts")).Out;
        var accepted = await _cli.RunAsync("--profile", "ka", "safety", "bob", "--accept");
        var after = await _cli.RunAsync("--profile", "ka", "send", "bob", "accepted");

        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("WARNING", refused.Error, StringComparison.Ordinal);
        Assert.Equal(3, warned.ExitCode);
        Assert.Contains("identity key has CHANGED", warned.Out, StringComparison.Ordinal);
        Assert.Contains("identity key changed", contacts, StringComparison.Ordinal);
        Assert.Equal(0, accepted.ExitCode);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains("1 device(s)", after.Out, StringComparison.Ordinal);
        var atReinstalled = await Inbox.WaitForTextsAsync(reinstalled, 1);
        Assert.Equal(["accepted"], atReinstalled.Texts());
    }

    [Fact]
    public async Task Link_RotateAndDisable_OldHandlesStopResolving()
    {
        var (first, _) = await _cli.InitAsync("la");
        await _cli.InitAsync("lb");

        var rotated = Line((await _cli.OkAsync("--profile", "la", "link", "rotate")).Out, "Your new public link:").Split(':')[1].Trim();
        var oldAdd = await _cli.RunAsync("--profile", "lb", "contact", "add", first, "x");
        var shown = (await _cli.OkAsync("--profile", "la", "link", "show")).Out;
        await _cli.OkAsync("--profile", "la", "link", "disable");
        var disabledAdd = await _cli.RunAsync("--profile", "lb", "contact", "add", rotated, "x");
        var afterDisable = (await _cli.OkAsync("--profile", "la", "link", "show")).Out;

        Assert.NotEqual(first, rotated);
        Assert.Equal(1, oldAdd.ExitCode);
        Assert.Contains("does not resolve", oldAdd.Error, StringComparison.Ordinal);
        Assert.Contains(rotated, shown, StringComparison.Ordinal);
        Assert.Equal(1, disabledAdd.ExitCode);
        Assert.Contains("disabled", afterDisable, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevicesLink_NewProfileRedeemsCode_BothDevicesReceive()
    {
        var (_, words) = await _cli.InitAsync("phone");
        var (senderLink, _) = await _cli.InitAsync("friend");
        var code = Line((await _cli.OkAsync("--profile", "phone", "devices", "link")).Out, "  ").Trim();

        _cli.Environment["CLOUDY_RECOVERY_WORDS"] = words;
        var linked = await _cli.OkAsync("--profile", "laptop", "devices", "link", "--code", code);
        var account = Line(linked.Out, "Profile 'laptop' is now device 2 of account ")["Profile 'laptop' is now device 2 of account ".Length..].TrimEnd('.');
        await _cli.WaitForDeliveryAsync(account, 2);
        var phoneLink = Line((await _cli.OkAsync("--profile", "phone", "link", "show")).Out, "Your public link:").Split(':')[1].Trim();
        await _cli.OkAsync("--profile", "friend", "contact", "add", phoneLink, "me");
        await _cli.OkAsync("--profile", "friend", "send", "me", "to both devices");
        var list = (await _cli.OkAsync("--profile", "laptop", "devices", "list")).Out;

        Assert.Contains("is now device 2", linked.Out, StringComparison.Ordinal);
        Assert.Contains("(this device)", Line(list, "  2"), StringComparison.Ordinal);
        await _cli.InboxUntilAsync("phone", "to both devices");
        await _cli.InboxUntilAsync("laptop", "to both devices");
        Assert.NotNull(senderLink);
    }

    [Fact]
    public async Task Chat_LinesFromInput_SentAndAnswerShownLive()
    {
        await _cli.PairAsync("ca", "alice", "cb", "bob");

        var chat = await _cli.RunWithInputAsync("hello over chat\n/quit\n", "--profile", "ca", "chat", "bob");
        var atBob = await _cli.InboxUntilAsync("cb", "alice: hello over chat");

        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.Contains("me: hello over chat", chat.Out, StringComparison.Ordinal);
        Assert.Contains("alice: hello over chat", atBob, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_WrongPassphraseOrUnknownProfileOrContact_FailsWithMessage()
    {
        await _cli.InitAsync("pp");
        _cli.Environment["CLOUDY_PASSPHRASE"] = "not the passphrase";
        var wrong = await _cli.RunAsync("--profile", "pp", "contacts");
        _cli.Environment["CLOUDY_PASSPHRASE"] = "correct horse battery staple";
        var missing = await _cli.RunAsync("--profile", "nobody", "inbox");
        var noContact = await _cli.RunAsync("--profile", "pp", "send", "stranger", "hi");

        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("does not unlock", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not set up", missing.Error, StringComparison.Ordinal);
        Assert.Equal(1, noContact.ExitCode);
        Assert.Contains("No contact 'stranger'", noContact.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presence_AllowlistSet_OnlyAllowedContactSeesIt()
    {
        var (bobLink, _) = await _cli.InitAsync("pb");
        var (aliceLink, _) = await _cli.InitAsync("pa");
        await _cli.InitAsync("pc");
        await _cli.OkAsync("--profile", "pb", "contact", "add", aliceLink, "alice");
        await _cli.OkAsync("--profile", "pa", "contact", "add", bobLink, "bob");
        await _cli.OkAsync("--profile", "pc", "contact", "add", bobLink, "bob");

        var hiddenByDefault = (await _cli.OkAsync("--profile", "pa", "presence", "show", "bob")).Out;
        var set = (await _cli.OkAsync("--profile", "pb", "presence", "set", "allowlist", "--allow", "alice")).Out;
        var allowed = (await _cli.OkAsync("--profile", "pa", "presence", "show", "bob")).Out;
        var stranger = (await _cli.OkAsync("--profile", "pc", "presence", "show", "bob")).Out;
        var invalid = await _cli.RunAsync("--profile", "pb", "presence", "set", "friends");

        Assert.Contains("not visible", hiddenByDefault, StringComparison.Ordinal);
        Assert.Contains("allowlist (allowed: alice)", set, StringComparison.Ordinal);
        Assert.Contains("bob is offline", allowed, StringComparison.Ordinal);
        Assert.Contains("not visible", stranger, StringComparison.Ordinal);
        Assert.NotEqual(0, invalid.ExitCode);
    }

    [Theory]
    [InlineData("init")]
    [InlineData("link", "show")]
    [InlineData("link", "enable")]
    [InlineData("link", "disable")]
    [InlineData("link", "rotate")]
    [InlineData("contact", "add")]
    [InlineData("contacts")]
    [InlineData("send")]
    [InlineData("chat")]
    [InlineData("inbox")]
    [InlineData("keys")]
    [InlineData("safety")]
    [InlineData("devices", "list")]
    [InlineData("devices", "link")]
    [InlineData("devices", "remove")]
    [InlineData("presence", "show")]
    [InlineData("presence", "set")]
    public async Task Help_EveryCommand_PrintsUsage(params string[] command)
    {
        var result = await _cli.RunAsync([.. command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
        Assert.Contains(string.Join(' ', command), result.Out, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_cli.Home, "default")), "--help must not create a profile");
    }

    private static string Digits(string output) =>
        string.Concat(output.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Trim().Replace(" ", "", StringComparison.Ordinal).All(char.IsDigit))
            .Select(l => l.Replace(" ", "", StringComparison.Ordinal).Trim()));

    private static string Line(string output, string prefix) =>
        output.Split('\n').First(l => l.StartsWith(prefix, StringComparison.Ordinal)).TrimEnd('\r');
}
