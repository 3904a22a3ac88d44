using System.Globalization;
using System.Security.Claims;

namespace Cloudy.Security;

/// <summary>Typed access to the Cloudy claims of an authenticated caller.</summary>
public static class ClaimsPrincipalExtensions
{
    /// <summary>The caller's account id; throws when the principal is not a Cloudy token.</summary>
    public static string AccountId(this ClaimsPrincipal principal) =>
        principal.TryGetAccountId(out var id) ? id : throw new InvalidOperationException("The caller has no account claim.");

    /// <summary>The caller's device id; throws when the principal is not a Cloudy token.</summary>
    public static int DeviceId(this ClaimsPrincipal principal) =>
        principal.TryGetDeviceId(out var id) ? id : throw new InvalidOperationException("The caller has no device claim.");

    /// <summary>Reads the account id if present.</summary>
    public static bool TryGetAccountId(this ClaimsPrincipal principal, out string accountId)
    {
        accountId = principal.FindFirst(CloudyClaims.Account)?.Value ?? string.Empty;
        return accountId.Length > 0;
    }

    /// <summary>Reads the device id if present and a positive integer.</summary>
    public static bool TryGetDeviceId(this ClaimsPrincipal principal, out int deviceId)
    {
        deviceId = 0;
        var value = principal.FindFirst(CloudyClaims.Device)?.Value;
        return value is not null
            && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out deviceId)
            && deviceId > 0;
    }
}
