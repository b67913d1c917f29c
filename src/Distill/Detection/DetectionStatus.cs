namespace Distill.Detection;

/// <summary>Whether a detection had enough evidence to be read as a test.</summary>
public enum DetectionStatus
{
    /// <summary>Enough tokens were scored; the p-value is the test's answer.</summary>
    Scored = 0,

    /// <summary>
    /// Fewer tokens were scored than <see cref="DetectionOptions.MinimumScoredTokens"/>: the result
    /// reports its counts, but its p-value is 1 (no evidence either way).
    /// </summary>
    InsufficientTokens = 1,
}
