using System;
using System.IO.Hashing;

namespace Distill.Gumbel;

/// <summary>
/// Parameters of the Gumbel-max (Aaronson, "exponential") watermark, validated when each value is set.
/// </summary>
/// <remarks>Defaults: a context of the 4 previous tokens, one variant. Instances are immutable.</remarks>
public sealed record GumbelOptions
{
    private readonly int _contextWidth = 4;
    private readonly int _variants = 1;

    /// <summary>Gets the defaults: context width 4, one variant.</summary>
    public static GumbelOptions Default { get; } = new();

    /// <summary>Gets the number of previous tokens that seed each step's pseudo-random values, between 1 and 16.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1..16.</exception>
    public int ContextWidth
    {
        get => _contextWidth;
        init => _contextWidth = OptionChecks.ContextWidth(value, MaxContextWidth, nameof(ContextWidth));
    }

    /// <summary>
    /// Gets the number of keyed variants a session may draw from (1 to 1024). With 1, the same
    /// prompt always yields the same text; with K, each request draws one of K variants, and
    /// detection takes the best of the K scores at the price of a factor K on the p-value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1..1024.</exception>
    public int Variants
    {
        get => _variants;
        init
        {
            if (value is < 1 or > MaxVariants)
            {
                throw new ArgumentOutOfRangeException(nameof(Variants), value, $"The number of variants must be between 1 and {MaxVariants}.");
            }

            _variants = value;
        }
    }

    /// <summary>The largest supported context width.</summary>
    internal const int MaxContextWidth = 16;

    /// <summary>The largest supported number of variants.</summary>
    internal const int MaxVariants = 1024;

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, "gumbel");
        SchemeDescriptor.AppendInt(hash, ContextWidth);
        SchemeDescriptor.AppendInt(hash, Variants);
    }
}
