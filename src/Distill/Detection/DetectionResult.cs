using System;
using Distill.Statistics;

namespace Distill.Detection;

/// <summary>
/// The outcome of testing a token stream for one key: the counts behind the test, the z-score for
/// reference, and the exact one-sided binomial p-value in log space.
/// </summary>
/// <remarks>
/// A small p-value says the stream is consistent with key <see cref="KeyId"/>; a large one says there
/// is no evidence for that key. Neither says who wrote the text.
/// </remarks>
public sealed class DetectionResult
{
    internal DetectionResult(SchemeDescriptor descriptor, in GreenListCounts counts, double gamma, bool deduplicated, int minimumScoredTokens)
        : this(descriptor, counts, DetectionStatistic.GreenCount, counts.Green, gamma, deduplicated, minimumScoredTokens, ZOf(counts, gamma), counts.Scored >= minimumScoredTokens ? Binomial.Log10UpperTail(counts.Green, counts.Scored, gamma) : 0.0)
    {
    }

    /// <summary>The general form: any statistic, its value, its z-score and its log10 p-value (ignored, taken as 0, when too few tokens were scored).</summary>
    internal DetectionResult(SchemeDescriptor descriptor, in GreenListCounts counts, DetectionStatistic statistic, double score, double gamma, bool deduplicated, int minimumScoredTokens, double zScore, double log10PValue)
    {
        KeyId = descriptor.KeyId;
        DescriptorHash = descriptor.Hash;
        TokenCount = counts.Tokens;
        ScoredTokens = counts.Scored;
        GreenTokens = counts.Green;
        SkippedPrefix = counts.SkippedPrefix;
        SkippedRepeated = counts.SkippedRepeated;
        SkippedCommon = counts.SkippedCommon;
        Reference = descriptor.Reference;
        Statistic = statistic;
        Score = score;
        Gamma = gamma;
        Deduplicated = deduplicated;
        Status = counts.Scored >= minimumScoredTokens ? DetectionStatus.Scored : DetectionStatus.InsufficientTokens;
        ZScore = counts.Scored > 0 && double.IsFinite(zScore) ? zScore : 0.0;
        Log10PValue = Status == DetectionStatus.Scored ? Math.Min(0.0, log10PValue) : 0.0;
    }

    /// <summary>Gets the public id of the key tested.</summary>
    public string KeyId { get; }

    /// <summary>Gets the hash of the descriptor the stream was scored under.</summary>
    public string DescriptorHash { get; }

    /// <summary>Gets whether the test could be read (enough tokens were scored).</summary>
    public DetectionStatus Status { get; }

    /// <summary>Gets the number of tokens in the stream.</summary>
    public long TokenCount { get; }

    /// <summary>Gets the number of tokens scored (the binomial test's n).</summary>
    public long ScoredTokens { get; }

    /// <summary>Gets the test statistic: how to read <see cref="Score"/>.</summary>
    public DetectionStatistic Statistic { get; }

    /// <summary>
    /// Gets the value of the test statistic: the green count (KGW, Unigram), the sum of -ln(1 - r)
    /// (Gumbel-max), the mean or weighted mean g-value (SynthID-Text), the alignment cost (EXP-edit).
    /// </summary>
    public double Score { get; }

    /// <summary>Gets the number of scored tokens that were green (the binomial test's k); 0 for schemes without green lists.</summary>
    public long GreenTokens { get; }

    /// <summary>Gets the number of leading tokens skipped for lack of a full context.</summary>
    public long SkippedPrefix { get; }

    /// <summary>Gets the number of tokens skipped because their (context, token) pair was already scored.</summary>
    public long SkippedRepeated { get; }

    /// <summary>
    /// Gets the number of tokens not scored because their (context, token) pair is common in the
    /// reference text (see <see cref="Reference"/>); 0 without a reference filter.
    /// </summary>
    public long SkippedCommon { get; }

    /// <summary>
    /// Gets the share of the tokens with a full context whose pair is not common in the reference text,
    /// (tokens - prefix - common) / (tokens - prefix): the part of the text the test can read; 1 without
    /// a reference filter, and 0 when no token has a full context.
    /// </summary>
    public double ScoredShare => TokenCount - SkippedPrefix is var eligible and > 0 ? (double)(eligible - SkippedCommon) / eligible : 0.0;

    /// <summary>
    /// Gets the reference filter the stream was scored under, or <see langword="null"/> when every pair
    /// was scored: then the p-value is exact over random keys but, under one fixed key, frequent pairs
    /// of human text bias it (<c>docs/statistics.md</c>).
    /// </summary>
    public Reference.ReferenceFilterOptions? Reference { get; }

    /// <summary>Gets the probability that a token is green under the null hypothesis (the scheme's effective gamma); NaN for schemes without green lists.</summary>
    public double Gamma { get; }

    /// <summary>Gets whether repeated (context, token) pairs were scored once.</summary>
    public bool Deduplicated { get; }

    /// <summary>
    /// Gets the z-score of the statistic under the null hypothesis, for comparison with other tools
    /// (green lists: (G - gamma T) / sqrt(T gamma (1 - gamma))); 0 when nothing was scored.
    /// </summary>
    public double ZScore { get; }

    /// <summary>
    /// Gets the base-10 logarithm of the p-value (green lists: the exact P[Binomial(T, gamma) &gt;= G];
    /// see <see cref="Statistic"/> for the others); 0 when the status
    /// is <see cref="DetectionStatus.InsufficientTokens"/>. Stays finite far below 1e-308.
    /// </summary>
    public double Log10PValue { get; }

    /// <summary>Gets the p-value itself; underflows to 0 below about 1e-308, where <see cref="Log10PValue"/> stays exact.</summary>
    public double PValue => Math.Pow(10.0, Log10PValue);

    /// <summary>Returns the verdict at level <paramref name="alpha"/>: whether enough tokens were scored and the p-value is at most <paramref name="alpha"/>.</summary>
    /// <param name="alpha">The significance level, strictly between 0 and 1.</param>
    /// <returns><see langword="true"/> when the stream carries the key's watermark at that level (it is significantly consistent with the key).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not strictly between 0 and 1.</exception>
    public bool IsWatermarked(double alpha) => IsSignificant(Status, Log10PValue, alpha);

    /// <summary>The verdict of a test at level <paramref name="alpha"/>: scored, and p at most alpha.</summary>
    internal static bool IsSignificant(DetectionStatus status, double log10PValue, double alpha)
    {
        if (!(alpha > 0.0 && alpha < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha must be strictly between 0 and 1.");
        }

        return status == DetectionStatus.Scored && log10PValue <= Math.Log10(alpha);
    }

    /// <inheritdoc />
    public override string ToString() => Statistic == DetectionStatistic.GreenCount
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Status}: {GreenTokens}/{ScoredTokens} green, z = {ZScore:F2}, log10 p = {Log10PValue:F2} (key {KeyId})")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Status}: {Statistic} {Score:G6} over {ScoredTokens} scored tokens, z = {ZScore:F2}, log10 p = {Log10PValue:F2} (key {KeyId})");

    private static double ZOf(in GreenListCounts counts, double gamma) =>
        counts.Scored > 0 ? (counts.Green - (gamma * counts.Scored)) / Math.Sqrt(counts.Scored * gamma * (1.0 - gamma)) : 0.0;
}
