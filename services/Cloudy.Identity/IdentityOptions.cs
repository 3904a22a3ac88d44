namespace Cloudy.Identity;

/// <summary>Identity rules (section <c>Identity</c>).</summary>
public sealed record IdentityOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Identity";

    /// <summary>Devices per account, the first included.</summary>
    public int MaxDevices { get; init; } = 6;

    /// <summary>How long a login challenge may be answered.</summary>
    public TimeSpan ChallengeLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a device-link code may be redeemed.</summary>
    public TimeSpan LinkCodeLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Unanswered challenges kept per account; more are refused (429) so nobody can grow the store.</summary>
    public int MaxPendingChallenges { get; init; } = 16;

    /// <summary>Unredeemed link codes kept per account.</summary>
    public int MaxPendingLinkCodes { get; init; } = 4;
}
