using System;

namespace Distill.Tests.Radioactivity;

/// <summary>
/// A deterministic stand-in for a language model: the logits after a context are pseudo-random
/// (spread 8, as in the contract tests) and depend on the last two tokens only, so the same context
/// always gives the same distribution (as for a real model) and the model never knows any key.
/// </summary>
internal sealed class ToyModel(int vocabularySize)
{
    public int VocabularySize { get; } = vocabularySize;

    public void Logits(ReadOnlySpan<int> context, Span<float> logits)
    {
        ulong state = unchecked(0x243F6A8885A308D3UL
            + ((ulong)(uint)(context.Length > 0 ? context[^1] : -1) * 0x9E3779B97F4A7C15UL)
            + ((ulong)(uint)(context.Length > 1 ? context[^2] : -1) * 0xC2B2AE3D27D4EB4FUL));
        for (int j = 0; j < logits.Length; j++)
        {
            state = unchecked(state + 0x9E3779B97F4A7C15UL);
            ulong z = state;
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            z ^= z >> 31;
            logits[j] = (float)((z >> 11) * (8.0 / 9007199254740992.0));
        }
    }

    /// <summary>Samples <paramref name="count"/> tokens after <paramref name="prompt"/>, watermarked by <paramref name="session"/> when it is not null.</summary>
    public int[] Generate(ReadOnlySpan<int> prompt, int count, Random random, WatermarkSession? session)
    {
        var context = new int[prompt.Length + count];
        prompt.CopyTo(context);
        var logits = new float[VocabularySize];
        for (int i = 0; i < count; i++)
        {
            int at = prompt.Length + i;
            Logits(context.AsSpan(0, at), logits);
            session?.ProcessLogits(logits);
            int token = TestData.SoftmaxSample(logits, random);
            session?.Accept(token);
            context[at] = token;
        }

        return context[prompt.Length..];
    }

    /// <summary>
    /// The most likely token after <paramref name="context"/> under the logits times
    /// <paramref name="scale"/>, watermarked by a fresh session of <paramref name="scheme"/> over the
    /// context when it is not null.
    /// </summary>
    public int Argmax(ReadOnlySpan<int> context, WatermarkScheme? scheme, float scale = 1f) =>
        Argmax(context, scheme?.CreateSession(context), scale);

    /// <summary>The argmax of the (scaled) logits after <paramref name="session"/> processed them (none: the plain model).</summary>
    public int Argmax(ReadOnlySpan<int> context, WatermarkSession? session, float scale)
    {
        var logits = new float[VocabularySize];
        Logits(context, logits);
        for (int j = 0; j < logits.Length; j++)
        {
            logits[j] *= scale;
        }

        session?.ProcessLogits(logits);
        int best = 0;
        for (int j = 1; j < logits.Length; j++)
        {
            if (logits[j] > logits[best])
            {
                best = j;
            }
        }

        return best;
    }
}
