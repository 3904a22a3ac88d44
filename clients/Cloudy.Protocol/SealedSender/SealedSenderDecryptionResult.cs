namespace Cloudy.Protocol.SealedSender;

/// <summary>A sealed message, opened and decrypted: who sent it (from the validated certificate) and what.</summary>
/// <param name="SenderUuid">The sender's account (the certificate's sender uuid; also the session address name).</param>
/// <param name="SenderE164">The sender's phone number, if the certificate has one.</param>
/// <param name="SenderDeviceId">The sender's device.</param>
/// <param name="Message">The plaintext.</param>
/// <param name="Content">The opened content: type, certificate, content hint and group id.</param>
public sealed record SealedSenderDecryptionResult(string SenderUuid, string? SenderE164, uint SenderDeviceId, byte[] Message, UnidentifiedSenderMessageContent Content);
