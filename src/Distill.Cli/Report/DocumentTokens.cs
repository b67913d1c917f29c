using System;
using Distill.Tokenizers;

namespace Distill.Cli.Report;

/// <summary>A document's token ids with how they read: text tokenized by the profile's tokenizer, or ids given as they are.</summary>
internal sealed class DocumentTokens
{
    private readonly ReadOnlyMemory<int> _ids;

    private DocumentTokens(ReadOnlyMemory<int> ids, ReportTokens tokens)
    {
        _ids = ids;
        Tokens = tokens;
    }

    /// <summary>Gets the token ids.</summary>
    public ReadOnlySpan<int> Ids => _ids.Span;

    /// <summary>Gets how the tokens read.</summary>
    public ReportTokens Tokens { get; }

    /// <summary>The tokens of a tokenized text.</summary>
    public static DocumentTokens FromText(TokenizedText text) => new(text.Ids, ReportTokens.FromText(text));

    /// <summary>Token ids given as they are.</summary>
    public static DocumentTokens FromIds(int[] ids) => new(ids, ReportTokens.FromIds(ids));
}
