namespace Distill.Fingerprinting;

/// <summary>What the evidence says about one codeword position.</summary>
/// <remarks>Made by <see cref="FingerprintScheme.Trace"/> only; <c>default</c> is an empty estimate.</remarks>
public readonly record struct PositionEstimate
{
    /// <summary>Initializes a new instance of the <see cref="PositionEstimate"/> struct.</summary>
    /// <param name="position">The codeword position.</param>
    /// <param name="zeros">Green tokens of colour 0 there.</param>
    /// <param name="ones">Green tokens of colour 1 there.</param>
    /// <param name="bit">The decoded bit.</param>
    /// <param name="confidence">The posterior probability of the decoded bit.</param>
    internal PositionEstimate(int position, int zeros, int ones, bool bit, double confidence)
    {
        Position = position;
        Zeros = zeros;
        Ones = ones;
        Bit = bit;
        Confidence = confidence;
    }

    /// <summary>Gets the codeword position.</summary>
    public int Position { get; }

    /// <summary>Gets the number of green tokens of colour 0 there.</summary>
    public int Zeros { get; }

    /// <summary>Gets the number of green tokens of colour 1 there.</summary>
    public int Ones { get; }

    /// <summary>Gets a value indicating the decoded bit (the majority colour; 0 on a tie).</summary>
    public bool Bit { get; }

    /// <summary>
    /// Gets the posterior probability of the decoded bit, from a uniform prior and the agreement rate that
    /// the identity positions show as a whole: 0.5 when the position has no evidence.
    /// </summary>
    public double Confidence { get; }
}
