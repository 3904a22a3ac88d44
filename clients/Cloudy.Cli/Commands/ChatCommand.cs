using System.CommandLine;
using System.Text;
using Cloudy.Client.Messaging;

namespace Cloudy.Cli.Commands;

/// <summary>
/// <c>cloudy chat</c>: live conversation over the delivery stream — incoming messages as they arrive, typing
/// indicators (ephemeral, end-to-end encrypted) and delivery receipts. Lines typed are sent; <c>/quit</c> or end of
/// input leaves. Without a terminal (input redirected) it reads lines and shows no typing indicator of its own.
/// </summary>
internal static class ChatCommand
{
    private static readonly TimeSpan _reconnectDelay = TimeSpan.FromSeconds(2);

    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var with = new Argument<string>("contact") { Description = "Contact name." };
        var linger = new Option<double>("--linger")
        {
            Description = "Seconds to keep receiving after the input ends (for scripted use).",
            DefaultValueFactory = _ => 0,
        };
        var chat = new Command("chat", "Chat live with a contact (typing indicators, delivery receipts).") { with, linger };
        chat.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(context, parse);
            var messenger = session.Messenger;
            var contact = Output.Contact(messenger, parse.GetValue(with)!);
            var screen = new Screen(context);
            screen.Line($"Chat with {contact.Name}. Type a message and press Enter; /quit leaves.");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var listener = ListenAsync(messenger, contact.Name, screen, connected, stop.Token);
            await Task.WhenAny(connected.Task, listener);
            await WatchPresenceAsync(messenger, contact, screen, stop.Token);
            try
            {
                if (context.Interactive)
                {
                    await ReadKeysAsync(messenger, contact.AccountId, screen, stop.Token);
                }
                else
                {
                    await ReadLinesAsync(context, messenger, contact.AccountId, screen, stop.Token);
                    await Task.Delay(TimeSpan.FromSeconds(parse.GetValue(linger)), stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
            finally
            {
                await stop.CancelAsync();
                await listener;
            }

            return ExitCodes.Ok;
        });
        return chat;
    }

    /// <summary>Keeps a stream open (reconnecting after drops) and prints what arrives.</summary>
    private static async Task ListenAsync(Messenger messenger, string contactName, Screen screen, TaskCompletionSource connected, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await messenger.ListenAsync(
                    message =>
                    {
                        if (Output.Describe(messenger, message) is { } line)
                        {
                            screen.Line(line);
                        }

                        return Task.CompletedTask;
                    },
                    () =>
                    {
                        connected.TrySetResult();
                        return Task.CompletedTask;
                    },
                    stop,
                    presence =>
                    {
                        screen.Line("(" + PresenceCommands.Describe(contactName, presence) + ")");
                        return Task.CompletedTask;
                    });
            }
            catch (Exception e) when (e is HttpRequestException or System.Net.WebSockets.WebSocketException or Client.CloudyApiException)
            {
                screen.Line($"(connection lost: {e.Message}; retrying)");
            }

            connected.TrySetResult();
            await Task.Delay(_reconnectDelay, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Shows the contact's presence if they let me see it, and asks for pushes of its changes (best effort).</summary>
    private static async Task WatchPresenceAsync(Messenger messenger, Cloudy.Client.State.Contact contact, Screen screen, CancellationToken stop)
    {
        try
        {
            var watch = await messenger.Presence.WatchAsync([contact.AccountId], stop);
            foreach (var state in watch.Presence)
            {
                screen.Line("(" + PresenceCommands.Describe(contact.Name, state) + ")");
            }
        }
        catch (Exception e) when (e is Client.CloudyApiException or HttpRequestException)
        {
            // Presence is optional: the chat works without it.
        }
    }

    private static async Task ReadLinesAsync(CliContext context, Messenger messenger, string accountId, Screen screen, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && await context.In.ReadLineAsync(stop) is { } line)
        {
            if (line.Trim() == "/quit")
            {
                return;
            }

            await SendAsync(messenger, accountId, line, screen, stop);
        }
    }

    /// <summary>Reads keys so typing can be announced as it starts; the line being typed is redrawn after incoming lines.</summary>
    private static async Task ReadKeysAsync(Messenger messenger, string accountId, Screen screen, CancellationToken stop)
    {
        var typing = false;
        while (!stop.IsCancellationRequested)
        {
            if (!Console.KeyAvailable)
            {
                await Task.Delay(25, stop).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                var line = screen.TakeInput();
                typing = false;
                if (line.Trim() == "/quit")
                {
                    return;
                }

                await SendAsync(messenger, accountId, line, screen, stop);
                continue;
            }

            screen.Edit(key);
            var nowTyping = screen.HasInput;
            if (nowTyping != typing)
            {
                typing = nowTyping;
                _ = messenger.SendTypingAsync(accountId, typing, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private static async Task SendAsync(Messenger messenger, string accountId, string text, Screen screen, CancellationToken stop)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var result = await messenger.SendTextAsync(accountId, text, stop);
        screen.Line($"[{DateTime.Now:HH:mm:ss}] me: {text}  (sent to {result.Envelopes.Count} device(s))");
    }

    /// <summary>Serializes output from the listener and the input loop, keeping the line being typed at the bottom.</summary>
    private sealed class Screen(CliContext context)
    {
        private readonly Lock _gate = new();
        private readonly StringBuilder _input = new();

        public bool HasInput
        {
            get
            {
                lock (_gate)
                {
                    return _input.Length > 0;
                }
            }
        }

        public void Line(string text)
        {
            lock (_gate)
            {
                if (context.Interactive)
                {
                    context.Out.Write("\r\u001b[2K");
                }

                context.Out.WriteLine(text);
                if (context.Interactive)
                {
                    context.Out.Write("> " + _input);
                }

                context.Out.Flush();
            }
        }

        public void Edit(ConsoleKeyInfo key)
        {
            lock (_gate)
            {
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (_input.Length > 0)
                    {
                        _input.Length--;
                    }
                }
                else if (!char.IsControl(key.KeyChar))
                {
                    _input.Append(key.KeyChar);
                }

                context.Out.Write("\r\u001b[2K> " + _input);
                context.Out.Flush();
            }
        }

        public string TakeInput()
        {
            lock (_gate)
            {
                var text = _input.ToString();
                _input.Clear();
                context.Out.Write("\r\u001b[2K");
                return text;
            }
        }
    }
}
