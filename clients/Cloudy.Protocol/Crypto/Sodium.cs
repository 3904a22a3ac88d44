using System.Runtime.InteropServices;

namespace Cloudy.Protocol.Crypto;

/// <summary>
/// The few libsodium functions (the libsodium shipped with NSec.Cryptography) that the protocol
/// needs raw: X25519 with the 32-byte output the PQXDH and ratchet KDFs take (NSec only hands out an
/// opaque <c>SharedSecret</c>), and the Ed25519 group/scalar operations behind XEdDSA.
/// </summary>
internal static partial class Sodium
{
    private const string Lib = "libsodium";

    static Sodium()
    {
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium failed to initialise");
        }
    }

    public static void EnsureInitialized()
    {
        // Touching the class runs the static constructor once.
    }

    [LibraryImport(Lib)]
    private static partial int sodium_init();

    /// <summary>X25519(n, p) (RFC 7748: clamps n, masks bit 255 of p); -1 when the result is all zero.</summary>
    [LibraryImport(Lib)]
    internal static partial int crypto_scalarmult_curve25519(Span<byte> q, ReadOnlySpan<byte> n, ReadOnlySpan<byte> p);

    /// <summary>X25519(n, 9): the public key of n.</summary>
    [LibraryImport(Lib)]
    internal static partial int crypto_scalarmult_curve25519_base(Span<byte> q, ReadOnlySpan<byte> n);

    /// <summary>Ed25519 verification (vartime double-scalar multiplication); 0 when valid.</summary>
    [LibraryImport(Lib)]
    internal static partial int crypto_sign_ed25519_verify_detached(ReadOnlySpan<byte> sig, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> pk);

    [LibraryImport(Lib)]
    internal static partial int crypto_scalarmult_ed25519_base_noclamp(Span<byte> q, ReadOnlySpan<byte> n);

    [LibraryImport(Lib)]
    internal static partial void crypto_core_ed25519_scalar_reduce(Span<byte> r, ReadOnlySpan<byte> s);

    [LibraryImport(Lib)]
    internal static partial void crypto_core_ed25519_scalar_mul(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);

    [LibraryImport(Lib)]
    internal static partial void crypto_core_ed25519_scalar_add(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);
}
