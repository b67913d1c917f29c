using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;
using System.Threading;

namespace Distill.Tokenizers;

/// <summary>
/// The Brown Corpus text embedded in this assembly (500 documents, <c>Data/README.md</c>) and its fixed
/// split: shared by the built-in reference corpus and by <c>Distill.Evaluation</c>'s language model.
/// </summary>
internal static class BrownText
{
    /// <summary>The number of documents.</summary>
    public const int DocumentCount = 500;

    private const string ResourceName = "Distill.Tokenizers.Data.brown.txt.gz";

    private static readonly Lazy<(string Id, string Text)[]> s_documents = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets the documents, in corpus order: the Brown id and the text.</summary>
    public static IReadOnlyList<(string Id, string Text)> Documents => s_documents.Value;

    /// <summary>Whether the document at a 0-based index is held out (never training or reference text): <c>index % 5</c> is 0 or 3.</summary>
    public static bool IsHeldOut(int index) => index % 5 is 0 or 3;

    private static (string Id, string Text)[] Load()
    {
        using Stream compressed = typeof(BrownText).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(BrownText).Assembly.GetName().Name}.");
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var documents = new List<(string, string)>(DocumentCount);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 2)
            {
                throw new InvalidDataException($"Line {documents.Count + 1} of {ResourceName} is not 'ID<TAB>text'.");
            }

            documents.Add((line[..tab], line[(tab + 1)..]));
        }

        if (documents.Count != DocumentCount)
        {
            throw new InvalidDataException($"{ResourceName} holds {documents.Count} documents; expected {DocumentCount}.");
        }

        return [.. documents];
    }
}
