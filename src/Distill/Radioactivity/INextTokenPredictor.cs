using System;

namespace Distill.Radioactivity;

/// <summary>
/// The suspect model as the open-model test sees it: its most likely next token after a context.
/// Implement it over the suspect's weights (for example the argmax of its next-token logits).
/// </summary>
/// <remarks>
/// The test calls it once per position of each text, in order, from one thread. It must be a function
/// of the context only (deterministic, no sampling), or the test loses power; validity under the null
/// hypothesis holds either way, as long as the model never saw the key.
/// </remarks>
public interface INextTokenPredictor
{
    /// <summary>Returns the suspect's top-1 next token after <paramref name="context"/>.</summary>
    /// <param name="context">The tokens so far (a prefix of one of our watermarked texts).</param>
    /// <returns>A token id of the scheme's vocabulary.</returns>
    int PredictNextToken(ReadOnlySpan<int> context);
}
