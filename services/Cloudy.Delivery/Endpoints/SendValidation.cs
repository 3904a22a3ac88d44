using System.Buffers.Text;
using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Http;
using Cloudy.ServiceDefaults.Http;

namespace Cloudy.Delivery.Endpoints;

/// <summary>Checks a send request's shape before anything is read from or written to the store.</summary>
internal static class SendValidation
{
    /// <summary>Protocol message types delivery carries: 2 = SignalMessage, 3 = PreKeySignalMessage (docs/protocol.md).</summary>
    public static readonly IReadOnlySet<int> MessageTypes = new HashSet<int> { 2, 3 };

    /// <summary>Largest registration id (Signal's are 14-bit).</summary>
    public const int MaxRegistrationId = 0x3FFF;

    /// <summary>The validated messages, or the problem to answer.</summary>
    public static (IReadOnlyList<ValidMessage>? Messages, IResult? Problem) Validate(SendRequest body, DeliveryOptions options)
    {
        if (body.Timestamp is not > 0)
        {
            return (null, ProblemResults.BadRequest("'timestamp' (ms since the Unix epoch, positive) is required."));
        }

        if (body.Messages is not { Count: > 0 } messages)
        {
            return (null, ProblemResults.BadRequest("'messages' must list one ciphertext per recipient device."));
        }

        if (messages.Count > options.MaxMessagesPerSend)
        {
            return (null, ProblemResults.BadRequest($"At most {options.MaxMessagesPerSend} messages per send."));
        }

        var valid = new List<ValidMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (message is not { DeviceId: > 0 and var device, Type: { } type, Content: { } content })
            {
                return (null, ProblemResults.BadRequest("Every message needs a positive 'deviceId', a 'type' and a 'content'."));
            }

            if (!MessageTypes.Contains(type))
            {
                return (null, ProblemResults.BadRequest("'type' must be 2 (SignalMessage) or 3 (PreKeySignalMessage)."));
            }

            if (message.RegistrationId is < 1 or > MaxRegistrationId)
            {
                return (null, ProblemResults.BadRequest($"'registrationId' must be between 1 and {MaxRegistrationId}."));
            }

            // Check the encoded length first so an oversize string is refused without decoding it.
            if (content.Length > Base64Url.GetEncodedLength(options.MaxContentBytes))
            {
                return (null, ProblemResults.TooLarge($"Each ciphertext is limited to {options.MaxContentBytes} bytes."));
            }

            if (!Base64Url.IsValid(content, out var decoded) || decoded == 0 || content.Contains('='))
            {
                return (null, ProblemResults.BadRequest("'content' must be non-empty base64url without padding."));
            }

            if (decoded > options.MaxContentBytes)
            {
                return (null, ProblemResults.TooLarge($"Each ciphertext is limited to {options.MaxContentBytes} bytes."));
            }

            if (valid.Any(v => v.DeviceId == device))
            {
                return (null, ProblemResults.BadRequest("Each device may be addressed once per send."));
            }

            valid.Add(new ValidMessage(device, message.RegistrationId, type, content));
        }

        return (valid, null);
    }
}

/// <summary>A message that passed <see cref="SendValidation"/>.</summary>
internal sealed record ValidMessage(int DeviceId, int? RegistrationId, int Type, string Content);
