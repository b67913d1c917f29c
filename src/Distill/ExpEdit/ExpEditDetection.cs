using Distill.Detection;

namespace Distill.ExpEdit;

/// <summary>The outcome of an EXP-edit test (permutation or closed form), with what the test did to reach it.</summary>
/// <remarks>Made by <see cref="ExpEditScheme"/> only: a result cannot be constructed or altered outside the library.</remarks>
public sealed record ExpEditDetection
{
    /// <summary>Initializes a new instance of the <see cref="ExpEditDetection"/> class.</summary>
    /// <param name="result">The detection result.</param>
    /// <param name="resamplesUsed">The number of fresh key sequences the statistic was recomputed under.</param>
    /// <param name="nullHits">How many of them gave a cost at or below the observed one.</param>
    /// <param name="stoppedEarly">Whether the test stopped at the early-stop hit count.</param>
    /// <param name="blockStart">The index of the first token of the best-aligned text block.</param>
    /// <param name="blockLength">The length of the text blocks aligned.</param>
    /// <param name="shift">The key position the best block aligned with.</param>
    internal ExpEditDetection(DetectionResult result, int resamplesUsed, int nullHits, bool stoppedEarly, int blockStart, int blockLength, int shift)
    {
        Result = result;
        ResamplesUsed = resamplesUsed;
        NullHits = nullHits;
        StoppedEarly = stoppedEarly;
        BlockStart = blockStart;
        BlockLength = blockLength;
        Shift = shift;
    }

    /// <summary>
    /// Gets the detection result: for the permutation test <see cref="DetectionStatistic.EditAlignment"/>, the observed alignment
    /// cost as the score and the permutation p-value; for the closed-form test <see cref="DetectionStatistic.AlignedGammaSum"/>,
    /// the best block's sum of -ln(1 - xi) as the score and its Bonferroni-corrected Gamma p-value.
    /// </summary>
    public DetectionResult Result { get; }

    /// <summary>Gets the number of fresh key sequences the statistic was recomputed under (0 when too few tokens were scored, and for the closed-form test).</summary>
    public int ResamplesUsed { get; }

    /// <summary>Gets how many of them gave a cost at or below the observed one.</summary>
    public int NullHits { get; }

    /// <summary>Gets a value indicating whether the test stopped at the early-stop hit count (the p-value is then NullHits / ResamplesUsed).</summary>
    public bool StoppedEarly { get; }

    /// <summary>Gets the index of the first token of the best-aligned text block.</summary>
    public int BlockStart { get; }

    /// <summary>Gets the length of the text blocks aligned: the scheme's block length, or the text's length when shorter.</summary>
    public int BlockLength { get; }

    /// <summary>Gets the key position the best block aligned with: the generation's shift, plus the block start, modulo the key length, for an unedited watermarked text.</summary>
    public int Shift { get; }
}
