using System;
using Distill.Tokenizers;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// Sends tokens through text: decodes them, then encodes the text again with a
/// <see cref="TextTokenizer"/> (which normalizes it first). The seed is ignored.
/// </summary>
/// <remarks>
/// <para>
/// What every detector of published text faces: the generator's token boundaries are lost, and a
/// different segmentation of the same characters changes the hash contexts of the tokens around it.
/// With the generator's own tokenizer most streams come back unchanged; with another tokenizer the
/// ids change completely (a watermark keyed to one tokenizer cannot be read through another).
/// </para>
/// <para>
/// The result counts no substitutions or insertions; <see cref="TokenAttackResult.Deleted"/> is 0
/// too. Compare <see cref="TokenAttackResult.SourceCount"/> with the output's length to see how
/// the segmentation changed. Immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class RetokenizationAttack : TokenAttack
{
    /// <summary>Initializes the attack.</summary>
    /// <param name="decoder">The tokenizer that decodes the input ids.</param>
    /// <param name="encoder">The tokenizer that encodes the text again; <paramref name="decoder"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="decoder"/> is <see langword="null"/>.</exception>
    public RetokenizationAttack(TextTokenizer decoder, TextTokenizer? encoder = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        Decoder = decoder;
        Encoder = encoder ?? decoder;
    }

    /// <summary>Gets the tokenizer that decodes the input ids.</summary>
    public TextTokenizer Decoder { get; }

    /// <summary>Gets the tokenizer that encodes the text again.</summary>
    public TextTokenizer Encoder { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the decoder's vocabulary.</exception>
    public override TokenAttackResult Apply(ReadOnlySpan<int> tokens, ulong seed)
    {
        ValidateTokens(tokens, nameof(tokens));
        string text = Decoder.Decode(tokens);
        return new TokenAttackResult(Encoder.EncodeToIds(text), tokens.Length, 0, 0, 0);
    }
}
