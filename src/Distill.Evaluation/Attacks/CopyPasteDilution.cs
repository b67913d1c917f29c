using System;
using System.Collections.Generic;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// The copy-paste attack: watermarked segments pasted into a human document at random positions,
/// so that the watermark covers only a fraction of the text.
/// </summary>
/// <remarks>
/// <para>
/// Kirchenbauer et al., "On the Reliability of Watermarks for Large Language Models" (ICLR 2024),
/// §4. The output is as long as the human input: with L human tokens given and fraction f,
/// W = round(f L) watermarked tokens (the first W of the watermarked input, in order, cut into
/// <see cref="DilutionOptions.Segments"/> contiguous segments whose lengths differ by at most one)
/// are inserted among the first L - W human tokens, at distinct gaps drawn uniformly, so that
/// segments are separated by at least one human token (or lie at the two ends). The ranges
/// returned are exact, so localization (<see cref="WatermarkScheme.Localize"/>) can be
/// scored against them.
/// </para>
/// <para>
/// The first tokens of each segment are hashed with human tokens as context after pasting, as they
/// would be in a real pasted document. Immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class CopyPasteDilution
{
    /// <summary>Initializes the attack.</summary>
    /// <param name="options">The watermarked fraction and number of segments.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public CopyPasteDilution(DilutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>Gets the options.</summary>
    public DilutionOptions Options { get; }

    /// <summary>Pastes watermarked segments into a human document.</summary>
    /// <param name="watermarked">The watermarked tokens; at least round(f L) of them, where L is <paramref name="human"/>'s length.</param>
    /// <param name="human">The human document's tokens; its length is the output's length.</param>
    /// <param name="seed">The seed that places the segments.</param>
    /// <returns>The mixed tokens and the ranges of the watermarked segments.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is negative.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="watermarked"/> is shorter than round(f L); or round(f L) is smaller than the
    /// number of segments, or the human tokens left leave fewer gaps than segments (the human
    /// document is too short).
    /// </exception>
    public DilutionResult Apply(ReadOnlySpan<int> watermarked, ReadOnlySpan<int> human, ulong seed)
    {
        ValidateTokens(watermarked, nameof(watermarked));
        ValidateTokens(human, nameof(human));
        int total = human.Length;
        int segments = Options.Segments;
        int watermarkedCount = (int)Math.Round(Options.WatermarkedFraction * total, MidpointRounding.AwayFromZero);
        int humanCount = total - watermarkedCount;
        if (watermarkedCount < segments || humanCount + 1 < segments)
        {
            throw new ArgumentException($"A human document of {total} tokens is too short for {segments} segment(s) making up {Options.WatermarkedFraction:P0} of it.", nameof(human));
        }

        if (watermarked.Length < watermarkedCount)
        {
            throw new ArgumentException($"{watermarkedCount} watermarked tokens are needed; {watermarked.Length} were given.", nameof(watermarked));
        }

        // Distinct gaps among the humanCount + 1 positions between human tokens (Floyd's sampling), ascending.
        var random = new Xoshiro256StarStar(seed);
        var chosen = new SortedSet<int>();
        for (int j = humanCount + 1 - segments; j <= humanCount; j++)
        {
            int gap = AttackRandom.NextInt(ref random, j + 1);
            chosen.Add(chosen.Contains(gap) ? j : gap);
        }

        var tokens = new int[total];
        var ranges = new TokenRange[segments];
        int written = 0, humanTaken = 0, watermarkTaken = 0, segment = 0;
        foreach (int gap in chosen)
        {
            human[humanTaken..gap].CopyTo(tokens.AsSpan(written));
            written += gap - humanTaken;
            humanTaken = gap;

            int length = (watermarkedCount / segments) + (segment < watermarkedCount % segments ? 1 : 0);
            watermarked.Slice(watermarkTaken, length).CopyTo(tokens.AsSpan(written));
            ranges[segment++] = new TokenRange(written, length);
            written += length;
            watermarkTaken += length;
        }

        human[humanTaken..humanCount].CopyTo(tokens.AsSpan(written));
        return new DilutionResult(tokens, ranges);
    }

    private static void ValidateTokens(ReadOnlySpan<int> tokens, string name)
    {
        foreach (int token in tokens)
        {
            if (token < 0)
            {
                throw new ArgumentOutOfRangeException(name, token, "Token ids cannot be negative.");
            }
        }
    }
}
