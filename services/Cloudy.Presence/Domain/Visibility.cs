namespace Cloudy.Presence.Domain;

/// <summary>Who may see an account's presence.</summary>
public enum Visibility
{
    /// <summary>No one but the owner (the default: an account that never chose is hidden).</summary>
    Nobody,

    /// <summary>Only the account ids on the owner's allowlist.</summary>
    Allowlist,

    /// <summary>Every authenticated caller.</summary>
    Everyone,
}

/// <summary>The wire names of <see cref="Visibility"/> (lowercase, exact).</summary>
public static class VisibilityNames
{
    /// <summary>The wire name of <paramref name="visibility"/>.</summary>
    public static string ToWire(this Visibility visibility) => visibility switch
    {
        Visibility.Everyone => "everyone",
        Visibility.Allowlist => "allowlist",
        _ => "nobody",
    };

    /// <summary>Parses an exact wire name; anything else (other case, unknown, null) is refused.</summary>
    public static bool TryParse(string? value, out Visibility visibility)
    {
        visibility = value switch
        {
            "nobody" => Visibility.Nobody,
            "allowlist" => Visibility.Allowlist,
            "everyone" => Visibility.Everyone,
            _ => (Visibility)(-1),
        };
        return Enum.IsDefined(visibility);
    }
}
