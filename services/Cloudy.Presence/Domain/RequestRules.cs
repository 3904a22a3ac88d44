using Cloudy.Presence.Http;
using Cloudy.Store;

namespace Cloudy.Presence.Domain;

/// <summary>Validation of presence request bodies; errors name the field and index, never echo the value.</summary>
internal static class RequestRules
{
    /// <summary>The settings to store, or an error. Duplicates and the owner's own id are dropped from the allowlist.</summary>
    public static (Visibility Visibility, IReadOnlyList<string>? Allow, string? Error) ParseSettings(
        PresenceSettingsRequest body, string owner, int maxAllow)
    {
        if (!VisibilityNames.TryParse(body.Visibility, out var visibility))
        {
            return (default, null, "'visibility' must be one of nobody, allowlist, everyone.");
        }

        if (body.Allow is null)
        {
            return (visibility, null, null);
        }

        var (ids, error) = ParseIds(body.Allow, "allow", maxAllow, minCount: 0);
        return error is null ? (visibility, [.. ids!.Where(id => id != owner)], null) : (default, null, error);
    }

    /// <summary>The accounts to watch, or an error.</summary>
    public static (IReadOnlyList<string>? Ids, string? Error) ParseWatch(WatchRequest body, int maxIds) =>
        body.AccountIds is null
            ? (null, "'accountIds' is required.")
            : ParseIds(body.AccountIds, "accountIds", maxIds, minCount: 1);

    private static (IReadOnlyList<string>? Ids, string? Error) ParseIds(IReadOnlyList<string?> values, string field, int max, int minCount)
    {
        if (values.Count < minCount || values.Count > max)
        {
            return (null, $"'{field}' must hold {minCount} to {max} account ids.");
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (!KeySpace.IsValidAccountId(values[i]))
            {
                return (null, $"'{field}[{i}]' is not an account id.");
            }
        }

        return ([.. values.Select(v => v!).Distinct(StringComparer.Ordinal)], null);
    }
}
