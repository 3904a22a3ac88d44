namespace Cloudy.Identity.Domain;

/// <summary>Device id allocation.</summary>
public static class DeviceSlots
{
    /// <summary>Highest device id; Signal's protocol addresses devices 1-127.</summary>
    public const int MaxDeviceId = 127;

    /// <summary>
    /// The lowest unused device id (as Signal's server does), or <c>null</c> when the account already
    /// has <paramref name="maxDevices"/> devices.
    /// </summary>
    public static int? NextFree(IReadOnlyCollection<int> used, int maxDevices)
    {
        ArgumentNullException.ThrowIfNull(used);
        if (used.Count >= maxDevices)
        {
            return null;
        }

        for (var id = 1; id <= MaxDeviceId; id++)
        {
            if (!used.Contains(id))
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>Parses a device id from a path segment (1-127, digits only).</summary>
    public static bool TryParse(string? value, out int deviceId) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out deviceId)
        && deviceId is >= 1 and <= MaxDeviceId;
}
