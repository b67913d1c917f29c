using System;
using System.Globalization;
using Distill.Detection;

namespace Distill.Radioactivity;

/// <summary>
/// The answer of a radioactivity test: one exact p-value over every scored token of the corpus, and
/// the counts behind it (what was scored, and why the rest was not).
/// </summary>
/// <remarks>
/// The counts add up: <see cref="TokenCount"/> = <see cref="SkippedPrefix"/> + <see cref="ExcludedByPrompt"/>
/// + <see cref="ExcludedRevealed"/> + <see cref="OutsideFilter"/> + <see cref="Duplicates"/> + <see cref="ScoredTokens"/>.
/// </remarks>
public sealed class RadioactivityResult
{
    internal RadioactivityResult(SchemeDescriptor descriptor, DetectionStatistic statistic, in RadioactivityCounts counts, bool countsGreen, (double Score, double ZScore, double Log10PValue) test, int minimumScoredTokens)
    {
        KeyId = descriptor.KeyId;
        DescriptorHash = descriptor.Hash;
        Statistic = statistic;
        TokenCount = counts.Tokens;
        ScoredTokens = counts.Scored;
        GreenTokens = countsGreen ? (long)counts.Sum : 0;
        SkippedPrefix = counts.SkippedPrefix;
        Duplicates = counts.Duplicates;
        ExcludedByPrompt = counts.ExcludedByPrompt;
        ExcludedRevealed = counts.ExcludedRevealed;
        OutsideFilter = counts.OutsideFilter;
        Status = counts.Scored >= minimumScoredTokens ? DetectionStatus.Scored : DetectionStatus.InsufficientTokens;
        Score = counts.Scored > 0 ? test.Score : 0.0;
        ZScore = counts.Scored > 0 && double.IsFinite(test.ZScore) ? test.ZScore : 0.0;
        Log10PValue = Status == DetectionStatus.Scored ? Math.Min(0.0, test.Log10PValue) : 0.0;
    }

    /// <summary>Gets the public id of the key tested.</summary>
    public string KeyId { get; }

    /// <summary>Gets the hash of the scheme descriptor tested.</summary>
    public string DescriptorHash { get; }

    /// <summary>Gets whether enough tokens were scored for the p-value to be read as a test.</summary>
    public DetectionStatus Status { get; }

    /// <summary>Gets the test statistic: how to read <see cref="Score"/>.</summary>
    public DetectionStatistic Statistic { get; }

    /// <summary>
    /// Gets the value of the statistic: the green count (KGW, Unigram), the sum of -ln(1 - r) over
    /// every variant (Gumbel-max), the mean g-value (SynthID-Text).
    /// </summary>
    public double Score { get; }

    /// <summary>Gets the number of tokens seen: those of the outputs (closed model) or the positions of the texts (open model).</summary>
    public long TokenCount { get; }

    /// <summary>Gets the number of distinct (seed, token) pairs scored: the test's sample size.</summary>
    public long ScoredTokens { get; }

    /// <summary>Gets the number of scored tokens that were green; 0 for schemes without green lists.</summary>
    public long GreenTokens { get; }

    /// <summary>Gets the number of leading tokens of each text without a full context.</summary>
    public long SkippedPrefix { get; }

    /// <summary>Gets the number of tokens whose (seed, token) pair had already been scored anywhere in the corpus.</summary>
    public long Duplicates { get; }

    /// <summary>Gets the number of tokens whose context (or pair) occurs in a prompt sent to the suspect (closed model).</summary>
    public long ExcludedByPrompt { get; }

    /// <summary>
    /// Gets the number of predictions (open model) whose (seed, token) pair already occurred in our
    /// texts before them: our watermark chose that token there, so predicting it is no evidence.
    /// </summary>
    public long ExcludedRevealed { get; }

    /// <summary>Gets the number of tokens whose context is not in the supervised filter.</summary>
    public long OutsideFilter { get; }

    /// <summary>Gets the z-score of the statistic (for display; the p-value is exact).</summary>
    public double ZScore { get; }

    /// <summary>Gets the base-10 logarithm of the p-value: exact, finite far below 10^-300.</summary>
    public double Log10PValue { get; }

    /// <summary>Gets the p-value (0 when below the smallest double; read <see cref="Log10PValue"/> then).</summary>
    public double PValue => Math.Pow(10.0, Log10PValue);

    /// <summary>Returns whether the p-value is at most <paramref name="alpha"/> with enough tokens scored.</summary>
    /// <param name="alpha">The significance level, strictly between 0 and 1.</param>
    /// <returns><see langword="true"/> when the suspect tests radioactive at level alpha.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not strictly between 0 and 1.</exception>
    public bool IsSignificant(double alpha) => DetectionResult.IsSignificant(Status, Log10PValue, alpha);

    /// <inheritdoc />
    public override string ToString() => Statistic == DetectionStatistic.GreenCount
        ? string.Create(CultureInfo.InvariantCulture, $"{Status}: {GreenTokens}/{ScoredTokens} green of {TokenCount} tokens, z = {ZScore:F2}, log10 p = {Log10PValue:F2} (key {KeyId})")
        : string.Create(CultureInfo.InvariantCulture, $"{Status}: {Statistic} {Score:G6} over {ScoredTokens} scored of {TokenCount} tokens, z = {ZScore:F2}, log10 p = {Log10PValue:F2} (key {KeyId})");
}
