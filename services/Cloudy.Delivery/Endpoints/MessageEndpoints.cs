using System.Globalization;
using System.Security.Claims;
using Cloudy.Contracts;
using Cloudy.Contracts.Delivery;
using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Http;
using Cloudy.Delivery.Mailbox;
using Cloudy.Delivery.Streaming;
using Cloudy.EventBus;
using Cloudy.Security;
using Cloudy.ServiceDefaults.Http;
using Cloudy.Store;

namespace Cloudy.Delivery.Endpoints;

/// <summary>
/// <c>/v1/messages</c>: send to an account, and the REST fallback of the stream (fetch my mailbox, ack).
/// The receiving device always comes from the token, so no request can name another device's mailbox.
/// </summary>
internal static class MessageEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/messages").WithTags("Messages").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        // Send checks the caller's device itself, in the same store round trip as its other reads.
        group.MapPut("/{accountId}", SendAsync).WithName("Delivery.Send")
            .Produces<SendResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("", FetchAsync).WithName("Delivery.Fetch").AddEndpointFilter<LiveDeviceFilter>()
            .Produces<MailboxPage>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapDelete("/{envelopeId}", AckAsync).WithName("Delivery.Ack").AddEndpointFilter<LiveDeviceFilter>()
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> SendAsync(
        string accountId, HttpRequest request, ClaimsPrincipal user, DeliveryOptions options, DeviceRegistry registry,
        MailboxStore mailbox, ConnectionRegistry connections, Notifier notifier, SendRateLimiter rateLimiter, IEventBus bus,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (!LiveDeviceFilter.TryGetCaller(user, out var sender, out var senderDevice))
        {
            return LiveDeviceFilter.Refusal();
        }

        if (!KeySpace.IsValidAccountId(accountId))
        {
            return ProblemResults.NotFound("No such account.");
        }

        var (body, problem) = await JsonRequestBody.ReadAsync(request, DeliveryJsonContext.Default.SendRequest, options.MaxRequestBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (messages, invalid) = SendValidation.Validate(body!, options);
        if (invalid is not null)
        {
            return invalid;
        }

        var ephemeral = body!.Ephemeral == true;
        var addressed = messages!.Select(m => m.DeviceId).ToList();

        // These four are independent: issued together they cost one store round trip instead of four.
        var removedTask = registry.IsRemovedAsync(sender, senderDevice);
        var rateTask = rateLimiter.TryAcquireAsync(sender);
        var devicesTask = registry.GetAsync(accountId);
        var countsTask = ephemeral ? null : mailbox.CountAsync(accountId, addressed);
        await Task.WhenAll(removedTask, rateTask, devicesTask, countsTask ?? Task.CompletedTask);
        if (await removedTask)
        {
            return LiveDeviceFilter.Refusal();
        }

        if (await rateTask is { } retryAfter)
        {
            request.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return ProblemResults.Make(StatusCodes.Status429TooManyRequests, "Too many requests", "Send rate limit reached; retry later.", Problems.RateLimited);
        }

        var devices = await devicesTask;
        if (devices.IsUnknown)
        {
            return ProblemResults.NotFound("No such account.");
        }

        var check = DeviceSetCheck.Compare(addressed, devices.Registered, devices.Removed, accountId == sender ? senderDevice : null);
        if (check.Missing.Count > 0 || check.Extra.Count > 0)
        {
            return ProblemResults.Make(StatusCodes.Status409Conflict, "Mismatched devices",
                "Address every device of the account exactly once (missingDevices, extraDevices).", Problems.MismatchedDevices,
                new Dictionary<string, object?> { ["missingDevices"] = check.Missing.ToArray(), ["extraDevices"] = check.Extra.ToArray() });
        }

        if (check.Stale.Count > 0)
        {
            return ProblemResults.Make(StatusCodes.Status410Gone, "Stale devices",
                "Some addressed devices were removed; drop their sessions and send again (staleDevices).", Problems.StaleDevices,
                new Dictionary<string, object?> { ["staleDevices"] = check.Stale.ToArray() });
        }

        if (countsTask is not null)
        {
            var counts = await countsTask;
            if (counts.Where(c => c.Value >= options.MailboxCapacity).Select(c => c.Key).Order().ToArray() is { Length: > 0 } full)
            {
                request.HttpContext.Response.Headers.RetryAfter = "60";
                return ProblemResults.Make(StatusCodes.Status429TooManyRequests, "Mailbox full",
                    "A recipient device's mailbox is full until it fetches its messages; retry later.", Problems.MailboxFull,
                    new Dictionary<string, object?> { ["fullDevices"] = full });
            }
        }

        var now = time.GetUtcNow();
        var sent = new EnvelopesSent(accountId, sender, senderDevice, body.Timestamp!.Value, now,
            [.. messages!.Select(m => new DeviceEnvelope(EnvelopeId.New(now), m.DeviceId, m.RegistrationId, m.Type, m.Content))]);
        if (ephemeral)
        {
            await PushLiveAsync(sent, connections, notifier);
        }
        else
        {
            // Acknowledged only once the bus holds it durably (Kafka acks=all; in-process: written to the store).
            await bus.PublishAsync(Topics.Envelopes, accountId, sent, cancellationToken);
        }

        return TypedResults.Json(
            new SendResponse(now, [.. sent.Envelopes.Select(e => new SentEnvelope(e.DeviceId, e.EnvelopeId))], ephemeral),
            DeliveryJsonContext.Default.SendResponse);
    }

    /// <summary>Ephemeral envelopes go straight to the instances holding online devices' streams; offline devices miss them.</summary>
    private static async Task PushLiveAsync(EnvelopesSent sent, ConnectionRegistry connections, Notifier notifier)
    {
        var online = await connections.LookupAsync(sent.RecipientAccountId, [.. sent.Envelopes.Select(e => e.DeviceId)]);
        foreach (var item in sent.Envelopes)
        {
            if (online.TryGetValue(item.DeviceId, out var connection) && connection.Length > 0)
            {
                await notifier.PushAsync(connection, sent.RecipientAccountId, EnvelopeMailboxWriter.ToEnvelope(sent, item, ephemeral: true));
            }
        }
    }

    private static async Task<IResult> FetchAsync(
        ClaimsPrincipal user, MailboxStore mailbox, DeliveryOptions options, string? after = null, string? limit = null)
    {
        long cursor = 0;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor))
        {
            return ProblemResults.BadRequest("'after' must be a cursor returned by a previous fetch.");
        }

        var size = options.MaxPageSize;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > options.MaxPageSize))
        {
            return ProblemResults.BadRequest($"'limit' must be between 1 and {options.MaxPageSize}.");
        }

        // One more than asked tells whether another page follows.
        var entries = await mailbox.ReadAsync(user.AccountId(), user.DeviceId(), cursor, size + 1);
        var page = entries.Take(size).ToList();
        return TypedResults.Json(
            new MailboxPage([.. page.Select(e => e.Envelope)], entries.Count > size,
                page.Count > 0 ? page[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null),
            DeliveryJsonContext.Default.MailboxPage);
    }

    private static async Task<IResult> AckAsync(string envelopeId, ClaimsPrincipal user, MailboxStore mailbox) =>
        EnvelopeId.IsValid(envelopeId) && await mailbox.AckAsync(user.AccountId(), user.DeviceId(), envelopeId)
            ? TypedResults.NoContent()
            : ProblemResults.NotFound("No such envelope in this device's mailbox.");
}
