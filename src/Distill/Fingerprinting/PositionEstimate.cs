namespace Distill.Fingerprinting;

/// <summary>What the evidence says about one codeword position.</summary>
/// <param name="Position">The codeword position.</param>
/// <param name="Zeros">Green tokens of colour 0 there.</param>
/// <param name="Ones">Green tokens of colour 1 there.</param>
/// <param name="Bit">The decoded bit (the majority colour; 0 on a tie).</param>
/// <param name="Confidence">
/// The posterior probability of the decoded bit, from a uniform prior and the agreement rate that
/// the identity positions show as a whole: 0.5 when the position has no evidence.
/// </param>
public readonly record struct PositionEstimate(int Position, int Zeros, int Ones, bool Bit, double Confidence);
