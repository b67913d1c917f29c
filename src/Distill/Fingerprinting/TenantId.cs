using System;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Distill.Fingerprinting;

/// <summary>
/// A tenant (customer, account, API key, reseller) as a 64-bit number: the value its fingerprint
/// encodes. Names map to numbers by a frozen hash, so a provider needs no table of ids.
/// </summary>
/// <param name="Value">The tenant's 64-bit number.</param>
public readonly record struct TenantId(ulong Value)
{
    private const string NamePrefix = "distill-tenant/v1\0";

    /// <summary>
    /// Gets the tenant whose name is <paramref name="name"/>: the XxHash64 (seed 0) of the UTF-8 of
    /// <c>distill-tenant/v1</c>, a NUL character and the name. Frozen: the same name gives the same
    /// tenant in every release.
    /// </summary>
    /// <param name="name">The name; not empty.</param>
    /// <returns>The tenant.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public static TenantId FromName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new TenantId(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(NamePrefix + name)));
    }

    /// <summary>
    /// Reads a tenant as written by a person: a number of decimal digits is that number, <c>0x</c>
    /// followed by hexadecimal digits is that number, anything else is a name (<see cref="FromName"/>).
    /// </summary>
    /// <param name="text">The text; not empty. Leading and trailing white space is ignored.</param>
    /// <returns>The tenant.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty, or is all digits but above 2^64 - 1.</exception>
    public static TenantId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        ArgumentException.ThrowIfNullOrEmpty(s, nameof(text));
        if (IsAll(s, 0, char.IsAsciiDigit))
        {
            return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
                ? new TenantId(value)
                : throw new ArgumentException($"The tenant number '{s}' is above 2^64 - 1.", nameof(text));
        }

        if (s.Length > 2 && s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && s.Length <= 18 && IsAll(s, 2, char.IsAsciiHexDigit))
        {
            return new TenantId(ulong.Parse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
        }

        return FromName(s);
    }

    /// <summary>Returns the tenant's number in decimal.</summary>
    /// <returns>The number.</returns>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);

    private static bool IsAll(string s, int start, Func<char, bool> test)
    {
        for (int i = start; i < s.Length; i++)
        {
            if (!test(s[i]))
            {
                return false;
            }
        }

        return true;
    }
}
