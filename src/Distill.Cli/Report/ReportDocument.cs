using System.Collections.Generic;
using Distill.Detection;

namespace Distill.Cli.Report;

/// <summary>One document of a report: its verdict, its figures, and (when shown in full) its per-token evidence.</summary>
/// <param name="Name">The document's id, as people read it.</param>
/// <param name="Verdict">The verdict in words.</param>
/// <param name="Significant">Whether the verdict is positive (watermarked, a tenant named).</param>
/// <param name="Log10PValue">The base-10 logarithm of the p-value the verdict rests on.</param>
/// <param name="Figures">Named figures behind the verdict, in order.</param>
/// <param name="Evidence">What detection made of each token.</param>
/// <param name="Tokens">How the tokens read.</param>
/// <param name="Spans">The localized spans, most significant first.</param>
/// <param name="WindowsSearched">The windows the localizer searched (its correction).</param>
internal sealed record ReportDocument(
    string Name,
    string Verdict,
    bool Significant,
    double Log10PValue,
    IReadOnlyList<KeyValuePair<string, string>> Figures,
    TokenEvidence Evidence,
    ReportTokens Tokens,
    IReadOnlyList<DetectSpanOutput> Spans,
    long WindowsSearched);
