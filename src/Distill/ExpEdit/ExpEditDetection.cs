using Distill.Detection;

namespace Distill.ExpEdit;

/// <summary>The outcome of an EXP-edit permutation test, with what the test did to reach it.</summary>
/// <param name="Result">The detection result: <see cref="DetectionStatistic.EditAlignment"/>, the observed alignment cost as the score, the permutation p-value.</param>
/// <param name="ResamplesUsed">The number of fresh key sequences the statistic was recomputed under (0 when too few tokens were scored).</param>
/// <param name="NullHits">How many of them gave a cost at or below the observed one.</param>
/// <param name="StoppedEarly">Whether the test stopped at the early-stop hit count (the p-value is then NullHits / ResamplesUsed).</param>
/// <param name="BlockStart">The index of the first token of the best-aligned text block.</param>
/// <param name="BlockLength">The length of the text blocks aligned: the scheme's block length, or the text's length when shorter.</param>
/// <param name="Shift">The key position the best block aligned with: the generation's shift, plus the block start, modulo the key length, for an unedited watermarked text.</param>
public sealed record ExpEditDetection(DetectionResult Result, int ResamplesUsed, int NullHits, bool StoppedEarly, int BlockStart, int BlockLength, int Shift);
