using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Distill;

/// <summary>
/// A 256-bit watermark secret. Generated from a cryptographic random number generator (there is no
/// default or built-in key), serialized as bytes or base64, and the root from which every scheme,
/// tenant and purpose derives its own sub-key with HKDF-SHA256 (RFC 5869).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ToString"/>, exceptions and descriptors show only <see cref="KeyId"/>, a public
/// identifier that reveals nothing about the secret: the first 8 bytes of
/// HMAC-SHA256(secret, "distill/key-id/v1"), in lowercase hexadecimal.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class WatermarkKey : IEquatable<WatermarkKey>
{
    /// <summary>The length of a secret, in bytes.</summary>
    public const int SizeInBytes = 32;

    /// <summary>The largest number of 64-bit words an integer key may have (SynthID-Text takes one per tournament layer; transformers allows any number).</summary>
    internal const int MaxIntegerKeyWords = 1024;

    private static readonly byte[] s_keyIdLabel = Encoding.ASCII.GetBytes("distill/key-id/v1");
    private static readonly byte[] s_integerKeyLabel = Encoding.ASCII.GetBytes("distill/integer-key/v1");
    private readonly byte[] _secret;
    private readonly ulong[]? _integerWords;

    private WatermarkKey(byte[] secret, ulong[]? integerWords = null)
    {
        _secret = secret;
        _integerWords = integerWords;
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_secret, s_keyIdLabel, mac);
        KeyId = Convert.ToHexStringLower(mac[..8]);
    }

    /// <summary>Gets the public identifier of this key: 16 lowercase hexadecimal digits.</summary>
    public string KeyId { get; }

    /// <summary>Creates a new key from the operating system's cryptographic random number generator.</summary>
    /// <returns>A fresh key.</returns>
    public static WatermarkKey Generate()
    {
        var secret = new byte[SizeInBytes];
        RandomNumberGenerator.Fill(secret);
        return new WatermarkKey(secret);
    }

    /// <summary>
    /// Creates the key of another stack that takes integer keys (vLLM's unsigned 64-bit key, the
    /// hashing key of Hugging Face transformers' KGW, SynthID-Text's list of keys), for the
    /// compatibility profiles in <see cref="Interop"/>. Its 32-byte secret is derived from the words
    /// (SHA-256 of <c>distill/integer-key/v1</c>, the word count and the words, little-endian), so its
    /// <see cref="KeyId"/> is a stable function of the integer key.
    /// </summary>
    /// <param name="words">The integer key: 1 to <see cref="MaxIntegerKeyWords"/> words, two's complement for negative integers.</param>
    /// <returns>The key; <see cref="IsIntegerKey"/> is <see langword="true"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="words"/> is empty or longer than <see cref="MaxIntegerKeyWords"/>.</exception>
    public static WatermarkKey FromIntegers(ReadOnlySpan<ulong> words)
    {
        if (words.IsEmpty || words.Length > MaxIntegerKeyWords)
        {
            throw new ArgumentException($"An integer key has 1 to {MaxIntegerKeyWords} words; got {words.Length}.", nameof(words));
        }

        byte[] input = new byte[s_integerKeyLabel.Length + 4 + (8 * words.Length)];
        s_integerKeyLabel.CopyTo(input, 0);
        BinaryPrimitives.WriteInt32LittleEndian(input.AsSpan(s_integerKeyLabel.Length), words.Length);
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(input.AsSpan(s_integerKeyLabel.Length + 4 + (8 * i)), words[i]);
        }

        return new WatermarkKey(SHA256.HashData(input), words.ToArray());
    }

    /// <summary>Gets whether this key was made by <see cref="FromIntegers"/> (another stack's integer key).</summary>
    public bool IsIntegerKey => _integerWords is not null;

    /// <summary>The integer key's words, or an empty span for a 32-byte key.</summary>
    internal ReadOnlySpan<ulong> IntegerWords => _integerWords;

    /// <summary>Creates a key from its 32 secret bytes.</summary>
    /// <param name="secret">Exactly <see cref="SizeInBytes"/> bytes.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is not 32 bytes long, or is all zeros.</exception>
    public static WatermarkKey FromBytes(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != SizeInBytes)
        {
            throw new ArgumentException($"A watermark key is exactly {SizeInBytes} bytes; got {secret.Length}.", nameof(secret));
        }

        if (!secret.ContainsAnyExcept((byte)0))
        {
            throw new ArgumentException("A watermark key of all zero bytes is refused: generate keys with WatermarkKey.Generate().", nameof(secret));
        }

        return new WatermarkKey(secret.ToArray());
    }

    /// <summary>Creates a key from the base64 form written by <see cref="ToBase64"/>.</summary>
    /// <param name="base64">The base64 text of the 32 secret bytes.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="base64"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="base64"/> is not base64 of exactly 32 bytes (the message never repeats the input).</exception>
    public static WatermarkKey FromBase64(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        Span<byte> buffer = stackalloc byte[SizeInBytes + 3];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out int written) || written != SizeInBytes)
        {
            throw new FormatException($"A watermark key in base64 must decode to exactly {SizeInBytes} bytes.");
        }

        if (!buffer[..SizeInBytes].ContainsAnyExcept((byte)0))
        {
            throw new FormatException("A watermark key of all zero bytes is refused.");
        }

        return new WatermarkKey(buffer[..SizeInBytes].ToArray());
    }

    /// <summary>Copies the 32 secret bytes into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="SizeInBytes"/> bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short; nothing is written.</exception>
    public void CopySecretTo(Span<byte> destination)
    {
        if (destination.Length < SizeInBytes)
        {
            throw new ArgumentException($"The destination needs {SizeInBytes} bytes.", nameof(destination));
        }

        _secret.CopyTo(destination);
    }

    /// <summary>Returns a copy of the 32 secret bytes.</summary>
    /// <returns>A new array holding the secret.</returns>
    public byte[] ToBytes() => (byte[])_secret.Clone();

    /// <summary>Returns the secret in base64 (handle it as you would the key itself).</summary>
    /// <returns>The base64 text of the 32 secret bytes.</returns>
    public string ToBase64() => Convert.ToBase64String(_secret);

    /// <summary>
    /// Derives an independent sub-key with HKDF-SHA256 (RFC 5869): the secret is the input keying
    /// material, there is no salt, and the info is the UTF-8 of <c>distill/v1/</c> + purpose + <c>/</c> + tenant.
    /// </summary>
    /// <param name="purpose">What the sub-key is for, for example <c>scheme/kgw</c>. Not empty.</param>
    /// <param name="tenant">A tenant or customer id; empty for none.</param>
    /// <returns>A new key, independent of this one for anyone who lacks this key.</returns>
    /// <exception cref="ArgumentException"><paramref name="purpose"/> is null or empty, or either argument contains '/' misuse (a NUL character).</exception>
    public WatermarkKey Derive(string purpose, string tenant = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentNullException.ThrowIfNull(tenant);
        if (purpose.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The purpose may not contain NUL characters.", nameof(purpose));
        }

        if (tenant.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The tenant may not contain NUL characters.", nameof(tenant));
        }

        // Length-prefix the purpose so that ("a/b", "c") and ("a", "b/c") never collide.
        byte[] info = Encoding.UTF8.GetBytes($"distill/v1/{purpose.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{purpose}/{tenant}");
        byte[] okm = HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, SizeInBytes, salt: null, info: info);
        return new WatermarkKey(okm);
    }

    /// <summary>Reads the secret as four little-endian 64-bit words (for the pseudo-random functions).</summary>
    internal void GetWords(out ulong k0, out ulong k1, out ulong k2, out ulong k3)
    {
        ReadOnlySpan<byte> s = _secret;
        k0 = BinaryPrimitives.ReadUInt64LittleEndian(s);
        k1 = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
        k2 = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
        k3 = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]);
    }

    /// <inheritdoc />
    public bool Equals(WatermarkKey? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_secret, other._secret);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as WatermarkKey);

    /// <inheritdoc />
    public override int GetHashCode() => KeyId.GetHashCode(StringComparison.Ordinal);

    /// <summary>Returns a description that names the public key id and never the secret.</summary>
    /// <returns>For example <c>WatermarkKey(3f2a...)</c>.</returns>
    public override string ToString() => $"WatermarkKey({KeyId})";
}
