using System;
using System.Collections.Generic;

namespace Distill.Registry;

/// <summary>
/// How <c>distill keygen --scheme NAME</c> creates a scheme: its command-line options, a note for the
/// usage text, and the factory that reads them.
/// </summary>
internal sealed record SchemeKeygen
{
    /// <summary>Gets the name given to <c>--scheme</c>.</summary>
    public required string Scheme { get; init; }

    /// <summary>Gets the scheme's own options, in the order the usage text lists them.</summary>
    public required IReadOnlyList<KeygenOption> Options { get; init; }

    /// <summary>Gets a line for the usage text under the options (defaults, what the key is), or <see langword="null"/>.</summary>
    public string? Note { get; init; }

    /// <summary>
    /// Gets whether this is a compatibility profile: the key is another stack's, read from the options,
    /// and the vocabulary size may be given (<c>--vocab-size</c>) for a tokenizer Distill cannot load.
    /// </summary>
    public bool TakesKey { get; init; }

    /// <summary>
    /// Gets the factory: the key and the scheme from the parsed options, a new key (ignored when
    /// <see cref="TakesKey"/>), the vocabulary size and the tokenizer's name. Bad values throw
    /// <see cref="ArgumentException"/> with a message for the command line.
    /// </summary>
    public required Func<ISchemeArguments, WatermarkKey, int, string, (WatermarkKey Key, WatermarkScheme Scheme)> Create { get; init; }
}
