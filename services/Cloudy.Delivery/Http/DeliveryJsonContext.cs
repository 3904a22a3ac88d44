using System.Text.Json;
using System.Text.Json.Serialization;
using Cloudy.Contracts.Delivery;
using Cloudy.Delivery.Streaming;

namespace Cloudy.Delivery.Http;

/// <summary>Source-generated JSON for delivery's requests, responses, stored envelopes, stream frames and notifications.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SendRequest))]
[JsonSerializable(typeof(SendResponse))]
[JsonSerializable(typeof(Envelope))]
[JsonSerializable(typeof(MailboxPage))]
[JsonSerializable(typeof(StreamFrame))]
[JsonSerializable(typeof(ClientFrame))]
[JsonSerializable(typeof(Notification))]
[JsonSerializable(typeof(int[]))]
public sealed partial class DeliveryJsonContext : JsonSerializerContext;
