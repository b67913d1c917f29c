using System;
using System.Globalization;
using Distill.Tokenizers;

namespace Distill.Cli.Report;

/// <summary>How a document's tokens read: each token's text and the text between tokens (white space the tokenizer folded, for example).</summary>
internal sealed class ReportTokens
{
    private ReportTokens(string[] texts, string[] before, string after)
    {
        Texts = texts;
        Before = before;
        After = after;
    }

    /// <summary>Gets each token's text.</summary>
    public string[] Texts { get; }

    /// <summary>Gets the text between the previous token (or the start) and each token.</summary>
    public string[] Before { get; }

    /// <summary>Gets the text after the last token.</summary>
    public string After { get; }

    /// <summary>The tokens of a text, read from the original text's characters.</summary>
    public static ReportTokens FromText(TokenizedText tokens)
    {
        string original = tokens.OriginalText;
        var texts = new string[tokens.Count];
        var before = new string[tokens.Count];
        int at = 0;
        for (int i = 0; i < tokens.Count; i++)
        {
            TextSpan span = tokens.GetOriginalSpan(i);
            int start = Math.Clamp(span.Start, at, original.Length);
            int end = Math.Clamp(span.End, start, original.Length);
            before[i] = original[at..start];
            texts[i] = original[start..end];
            at = end;
        }

        return new ReportTokens(texts, before, original[at..]);
    }

    /// <summary>Token ids given as they are: each shown as its number.</summary>
    public static ReportTokens FromIds(ReadOnlySpan<int> ids)
    {
        var texts = new string[ids.Length];
        var before = new string[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            texts[i] = ids[i].ToString(CultureInfo.InvariantCulture);
            before[i] = i == 0 ? "" : " ";
        }

        return new ReportTokens(texts, before, "");
    }
}
