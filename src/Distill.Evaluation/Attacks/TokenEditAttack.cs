using System;
using System.Collections.Generic;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// Random token substitution, insertion and deletion at given rates (see <see cref="EditRates"/>),
/// with new tokens drawn from a <see cref="TokenDistribution"/>.
/// </summary>
/// <remarks>
/// <para>
/// The model of a paraphrasing adversary with a small edit budget used by Kirchenbauer et al.
/// (2023, 2024) and Kuditipudi et al. (2024). For each source token, in order: with probability
/// <see cref="EditRates.Insertion"/> a drawn token is inserted before it; then it is deleted with
/// probability <see cref="EditRates.Deletion"/>; a token that is kept is replaced with probability
/// <see cref="EditRates.Substitution"/> by a drawn token different from it (redrawn a bounded number
/// of times; a distribution with a single id may give the same id back, which still counts).
/// </para>
/// <para>
/// The output contains only source ids and ids of <see cref="Replacements"/>. Immutable and
/// thread-safe.
/// </para>
/// </remarks>
public sealed class TokenEditAttack : TokenAttack
{
    /// <summary>Initializes the attack.</summary>
    /// <param name="rates">The substitution, insertion and deletion rates.</param>
    /// <param name="replacements">The distribution of substituted and inserted tokens.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rates"/> or <paramref name="replacements"/> is <see langword="null"/>.</exception>
    public TokenEditAttack(EditRates rates, TokenDistribution replacements)
    {
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(replacements);
        Rates = rates;
        Replacements = replacements;
    }

    /// <summary>Gets the edit rates.</summary>
    public EditRates Rates { get; }

    /// <summary>Gets the distribution of substituted and inserted tokens.</summary>
    public TokenDistribution Replacements { get; }

    /// <inheritdoc/>
    public override TokenAttackResult Apply(ReadOnlySpan<int> tokens, ulong seed)
    {
        ValidateTokens(tokens, nameof(tokens));
        var random = new Xoshiro256StarStar(seed);
        var output = new List<int>(tokens.Length + (tokens.Length / 8) + 1);
        int substituted = 0, inserted = 0, deleted = 0;
        foreach (int token in tokens)
        {
            if (AttackRandom.Bernoulli(ref random, Rates.Insertion))
            {
                output.Add(Replacements.Sample(ref random));
                inserted++;
            }

            if (AttackRandom.Bernoulli(ref random, Rates.Deletion))
            {
                deleted++;
            }
            else if (AttackRandom.Bernoulli(ref random, Rates.Substitution))
            {
                output.Add(Replacements.SampleOther(ref random, token));
                substituted++;
            }
            else
            {
                output.Add(token);
            }
        }

        return new TokenAttackResult([.. output], tokens.Length, substituted, inserted, deleted);
    }
}
