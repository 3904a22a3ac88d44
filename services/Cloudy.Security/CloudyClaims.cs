namespace Cloudy.Security;

/// <summary>Claim names in Cloudy access tokens.</summary>
public static class CloudyClaims
{
    /// <summary>The account id (JWT <c>sub</c>).</summary>
    public const string Account = "sub";

    /// <summary>The device id within the account (integer claim <c>dev</c>).</summary>
    public const string Device = "dev";

    /// <summary>The only signing algorithm accepted; pinning it rules out algorithm confusion.</summary>
    public const string Algorithm = "ES256";
}
