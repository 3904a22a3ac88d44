using Cloudy.Contracts.Delivery;
using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Http;
using Cloudy.Delivery.Streaming;
using Cloudy.EventBus;
using Cloudy.Store;

namespace Cloudy.Delivery.Mailbox;

/// <summary>
/// The consumer (group <c>delivery</c>) of <c>cloudy.envelopes.v1</c>: writes each envelope into its recipient
/// device's mailbox, idempotently by envelope id, then rings the instance holding that device's stream. A
/// failure throws, so the bus retries the whole event; already stored envelopes are then skipped.
/// </summary>
internal sealed partial class EnvelopeMailboxWriter(MailboxStore mailbox, Notifier notifier, ILogger<EnvelopeMailboxWriter> logger)
    : IEventHandler<EnvelopesSent>
{
    /// <inheritdoc />
    public async Task HandleAsync(EnvelopesSent @event, CancellationToken cancellationToken)
    {
        if (!KeySpace.IsValidAccountId(@event.RecipientAccountId))
        {
            LogInvalid(logger, @event.EventId);
            return;
        }

        foreach (var item in @event.Envelopes)
        {
            if (!EnvelopeId.IsValid(item.EnvelopeId) || item.DeviceId <= 0)
            {
                LogInvalid(logger, @event.EventId);
                continue;
            }

            var (outcome, connection) = await mailbox.InsertAsync(@event.RecipientAccountId, ToEnvelope(@event, item)).ConfigureAwait(false);
            if (outcome == InsertOutcome.DeviceGone)
            {
                LogDeviceGone(logger, item.EnvelopeId);
            }
            else if (connection.Length > 0)
            {
                // A duplicate rings too: the first attempt may have stored it and failed before ringing.
                await notifier.RingAsync(connection, @event.RecipientAccountId, item.DeviceId).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The envelope a recipient device receives for <paramref name="item"/>.</summary>
    public static Envelope ToEnvelope(EnvelopesSent sent, DeviceEnvelope item, bool ephemeral = false) => new(
        item.EnvelopeId, item.Type, sent.SenderAccountId, sent.SenderDeviceId, item.DeviceId, item.RegistrationId,
        item.Content, sent.ClientTimestamp, sent.ServerTimestamp, ephemeral);

    [LoggerMessage(Level = LogLevel.Warning, Message = "EnvelopesSent {EventId} carries an invalid account, device or envelope id; skipped")]
    private static partial void LogInvalid(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Envelope {EnvelopeId} not stored: its device was removed after the send")]
    private static partial void LogDeviceGone(ILogger logger, string envelopeId);
}
