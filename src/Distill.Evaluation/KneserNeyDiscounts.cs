namespace Distill.Evaluation;

/// <summary>
/// The three discounts of modified Kneser-Ney smoothing for one n-gram order (Chen and Goodman 1998):
/// subtracted from n-grams seen once, twice, and three or more times.
/// </summary>
/// <param name="One">The discount D1 for n-grams with count 1.</param>
/// <param name="Two">The discount D2 for n-grams with count 2.</param>
/// <param name="ThreePlus">The discount D3+ for n-grams with count 3 or more.</param>
public readonly record struct KneserNeyDiscounts(double One, double Two, double ThreePlus)
{
    /// <summary>Gets the discount for an n-gram with a given (positive) count.</summary>
    /// <param name="count">The n-gram's count (raw at the highest order, continuation count below).</param>
    /// <returns><see cref="One"/>, <see cref="Two"/> or <see cref="ThreePlus"/>.</returns>
    public double For(int count) => count switch
    {
        1 => One,
        2 => Two,
        _ => ThreePlus,
    };
}
