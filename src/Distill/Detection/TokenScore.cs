namespace Distill.Detection;

/// <summary>What detection made of one token of a stream.</summary>
internal enum TokenScore : byte
{
    /// <summary>The token lies in the leading tokens that lack a full context; not scored.</summary>
    Prefix = 0,

    /// <summary>Scored, and not in the green list (no evidence of the key).</summary>
    Red = 1,

    /// <summary>Scored, and in the green list (evidence of the key).</summary>
    Green = 2,

    /// <summary>Not scored: its (context, token) pair was already scored earlier in the stream (deduplication).</summary>
    Repeated = 3,

    /// <summary>
    /// Not scored: its (context, token) pair is common in the scheme's reference text, so under one fixed
    /// key its greenness would recur across documents (see <see cref="Reference.ReferenceFilterOptions"/>).
    /// </summary>
    Common = 4,

    /// <summary>
    /// Scored by a scheme whose evidence is a per-token value rather than a colour (Gumbel-max,
    /// SynthID-Text, EXP-edit, the vLLM and transformers SynthID interop schemes): the value is in
    /// <see cref="TokenEvidence.Values"/>.
    /// </summary>
    Scored = 5,
}
