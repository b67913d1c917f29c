using System.Runtime.InteropServices;
using Distill.GreenList;

namespace Distill.SynthId;

/// <summary>The state of a document being scored that carries over from one chunk of tokens to the next.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct SynthIdStream
{
    /// <summary>The hashes of the last tokens.</summary>
    public HashWindow Window;

    /// <summary>The number of positions with a full context so far (the clock of the repeated-context mask).</summary>
    public long Contexts;

    /// <summary>The last position of each context seed, or <see langword="null"/> when masking is off.</summary>
    public ContextPositionMap? Recent;

    public void Reset()
    {
        Window.Reset();
        Contexts = 0;
        Recent?.Clear();
    }
}
