using System;
using System.IO.Hashing;

namespace Distill.SynthId;

/// <summary>
/// Parameters of the SynthID-Text tournament watermark (Dathathri et al., "Scalable watermarking for
/// identifying large language model outputs", Nature 2024), validated when each value is set.
/// </summary>
/// <remarks>
/// Defaults follow the reference: 30 tournament layers, a context of the 4 previous tokens (n-gram
/// length 5), the top 40 candidates, repeated contexts masked over the last 1024 contexts.
/// Instances are immutable.
/// </remarks>
public sealed record SynthIdOptions
{
    private readonly int _depth = 30;
    private readonly int _contextWidth = 4;
    private readonly int _topK = 40;
    private readonly int _contextHistory = 1024;

    /// <summary>Gets the defaults: depth 30, context width 4, top-k 40, history 1024.</summary>
    public static SynthIdOptions Default { get; } = new();

    /// <summary>Gets the number of tournament layers m (g-values per token), between 1 and 64.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1..64.</exception>
    public int Depth
    {
        get => _depth;
        init
        {
            if (value is < 1 or > MaxDepth)
            {
                throw new ArgumentOutOfRangeException(nameof(Depth), value, $"The depth must be between 1 and {MaxDepth}.");
            }

            _depth = value;
        }
    }

    /// <summary>Gets the number of previous tokens that seed the g-values (the reference's n-gram length minus one), between 1 and 16.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1..16.</exception>
    public int ContextWidth
    {
        get => _contextWidth;
        init => _contextWidth = OptionChecks.ContextWidth(value, MaxContextWidth, nameof(ContextWidth));
    }

    /// <summary>Gets the number of highest-probability candidates the tournament runs over, between 2 and 1024.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 2..1024.</exception>
    public int TopK
    {
        get => _topK;
        init
        {
            if (value is < 2 or > 1024)
            {
                throw new ArgumentOutOfRangeException(nameof(TopK), value, "Top-k must be between 2 and 1024.");
            }

            _topK = value;
        }
    }

    /// <summary>Gets how many of the latest contexts a session remembers to leave repeated contexts unwatermarked, between 0 and 65536.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 0..65536.</exception>
    public int ContextHistory
    {
        get => _contextHistory;
        init
        {
            if (value is < 0 or > 65536)
            {
                throw new ArgumentOutOfRangeException(nameof(ContextHistory), value, "The context history must be between 0 and 65536.");
            }

            _contextHistory = value;
        }
    }

    /// <summary>The largest supported depth.</summary>
    internal const int MaxDepth = 64;

    /// <summary>The largest supported context width.</summary>
    internal const int MaxContextWidth = 16;

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, "synthid");
        SchemeDescriptor.AppendInt(hash, Depth);
        SchemeDescriptor.AppendInt(hash, ContextWidth);
        SchemeDescriptor.AppendInt(hash, TopK);
        SchemeDescriptor.AppendInt(hash, ContextHistory);
    }
}
