using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Security;

/// <summary>
/// A <see cref="JsonWebTokenHandler"/> that remembers tokens it has fully validated, until each one expires. A device
/// sends every request with the same access token for its whole lifetime, and the ES256 signature check is most of
/// the 65–100 µs a validation costs, about a third of a message send's server CPU (docs/performance.md).
/// </summary>
/// <remarks>
/// Only successful validations are kept, keyed by the SHA-256 of the token, so the table neither holds nor compares
/// token strings. A hit is served only before the token's <c>exp</c> (without the clock skew validation allows), so
/// the cache never accepts a token that validation would refuse for its lifetime. What it does not see: a signing key
/// withdrawn from the JWKS stops tokens already cached only when they expire (at most one token lifetime). Removed
/// devices are refused separately by each service's live-device check, which runs on every request.
/// </remarks>
public sealed class CachingJsonWebTokenHandler : JsonWebTokenHandler
{
    /// <summary>Most tokens remembered; beyond that the table is swept, then emptied if still full.</summary>
    public const int DefaultCapacity = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _validated = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private long _hits;

    /// <summary>Creates the handler (claims are not remapped, as with <c>MapInboundClaims = false</c>).</summary>
    public CachingJsonWebTokenHandler(TimeProvider? time = null, int capacity = DefaultCapacity)
    {
        _time = time ?? TimeProvider.System;
        _capacity = capacity;
        MapInboundClaims = false;
    }

    /// <summary>Validations answered from the cache (for tests and diagnostics).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Tokens currently remembered.</summary>
    public int Count => _validated.Count;

    /// <inheritdoc />
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (string.IsNullOrEmpty(token))
        {
            return await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        }

        var key = KeyOf(token);
        var now = _time.GetUtcNow().UtcDateTime;
        if (_validated.TryGetValue(key, out var cached))
        {
            if (now < cached.ExpiresAt)
            {
                Interlocked.Increment(ref _hits);
                return cached.Result;
            }

            _validated.TryRemove(key, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (result.IsValid && result.SecurityToken is JsonWebToken { ValidTo: var expires } && expires > now)
        {
            MakeRoom(now);
            _validated[key] = new Entry(result, expires);
        }

        return result;
    }

    private void MakeRoom(DateTime now)
    {
        if (_validated.Count < _capacity)
        {
            return;
        }

        foreach (var (key, entry) in _validated)
        {
            if (entry.ExpiresAt <= now)
            {
                _validated.TryRemove(key, out _);
            }
        }

        if (_validated.Count >= _capacity)
        {
            // Still full of live tokens: start over rather than grow without bound. Misses only cost a validation.
            _validated.Clear();
        }
    }

    private static string KeyOf(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var size = Encoding.UTF8.GetByteCount(token);
        var bytes = size <= 4096 ? stackalloc byte[size] : new byte[size];
        Encoding.UTF8.GetBytes(token, bytes);
        SHA256.HashData(bytes, hash);
        return Convert.ToBase64String(hash);
    }

    private sealed record Entry(TokenValidationResult Result, DateTime ExpiresAt);
}
