using System;
using System.Collections.Generic;
using System.IO.Hashing;
using Distill.Reference;

namespace Distill.Registry;

/// <summary>
/// Everything the library needs to know about one scheme outside its own folder: its names and
/// versions, where its parameters sit in a <see cref="SchemeDescriptor"/>, how they are hashed and
/// described, how a descriptor becomes a scheme, and how <c>distill keygen</c> creates one.
/// </summary>
/// <remarks>
/// One registration per scheme lives beside the scheme (for example <c>Unigram/UnigramRegistration.cs</c>)
/// and has one line in <see cref="SchemeRegistry"/>'s table. A scheme added after the nine of release
/// 0.1 carries its parameters in the generic <see cref="SchemeDescriptor.Parameters"/> block and leaves
/// <see cref="AppendHash"/> unset (see <c>docs/architecture.md</c>).
/// </remarks>
internal sealed record SchemeRegistration
{
    /// <summary>Gets the scheme's names in descriptors; the first is its canonical name (vLLM's watermark has two).</summary>
    public required IReadOnlyList<string> Names { get; init; }

    /// <summary>Gets the canonical name.</summary>
    public string Name => Names[0];

    /// <summary>Gets the scheme version this release implements.</summary>
    public required int Version { get; init; }

    /// <summary>Gets the pseudo-random function's version this release implements for the scheme.</summary>
    public required int PrfVersion { get; init; }

    /// <summary>Gets whether the scheme has green lists, so that its descriptor may name a reference filter.</summary>
    public bool SupportsReference { get; init; }

    /// <summary>Gets the scheme's parameters in a descriptor, or <see langword="null"/> when they are missing (for checks and messages).</summary>
    public required Func<SchemeDescriptor, object?> Options { get; init; }

    /// <summary>
    /// Gets the writer of the scheme's typed block of the descriptor hash, or <see langword="null"/> for a
    /// scheme whose parameters are in the generic block. It appends only when the block is present (KGW's
    /// writes a null marker otherwise), in the order of <see cref="SchemeRegistry.BuiltIn"/>.
    /// </summary>
    public Action<SchemeDescriptor, XxHash64>? AppendHash { get; init; }

    /// <summary>Gets the parameters of a descriptor of this scheme in one line, for people (keygen's report).</summary>
    public required Func<SchemeDescriptor, string> Describe { get; init; }

    /// <summary>
    /// Gets the factory: the scheme a descriptor describes, with the reference corpora its filter names
    /// (or <see langword="null"/>). It checks the descriptor (<see cref="SchemeDescriptor.CheckFor"/>).
    /// </summary>
    public required Func<SchemeDescriptor, WatermarkKey, IReadOnlyList<ReferenceCorpus>?, WatermarkScheme> Create { get; init; }

    /// <summary>Gets how <c>distill keygen</c> creates the scheme, one entry per name it offers (none: not offered).</summary>
    public IReadOnlyList<SchemeKeygen> Keygen { get; init; } = [];
}
