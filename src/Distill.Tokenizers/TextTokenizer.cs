using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Reflection;
using System.Threading;
using Microsoft.ML.Tokenizers;

namespace Distill.Tokenizers;

/// <summary>
/// A named byte-pair-encoding tokenizer (OpenAI's <c>o200k_base</c> or <c>cl100k_base</c>) that
/// normalizes text first and reports character offsets into both the normalized and the original text.
/// </summary>
/// <remarks>
/// <para>
/// Built on Microsoft.ML.Tokenizers' <see cref="TiktokenTokenizer"/>, reading the vocabulary from the
/// Microsoft.ML.Tokenizers.Data.O200kBase and .Cl100kBase packages, so it works offline. Text is
/// encoded as ordinary text (tiktoken's <c>encode_ordinary</c>): a special-token string such as
/// <c>&lt;|endoftext|&gt;</c> in the input gives ordinary tokens, never a special-token id.
/// </para>
/// <para>
/// Instances are immutable, cached per name (loading a vocabulary takes a few hundred milliseconds)
/// and thread-safe.
/// </para>
/// </remarks>
public sealed class TextTokenizer
{
    /// <summary>The name of the <c>o200k_base</c> encoding (GPT-4o and later); the default.</summary>
    public const string O200kBase = "o200k_base";

    /// <summary>The name of the <c>cl100k_base</c> encoding (GPT-3.5 and GPT-4).</summary>
    public const string Cl100kBase = "cl100k_base";

    /// <summary>The name used by <see cref="Create()"/>: <see cref="O200kBase"/>.</summary>
    public const string DefaultName = O200kBase;

    private static readonly Lazy<TextTokenizer> s_o200kBase = new(
        () => Load(
            O200kBase,
            "Microsoft.ML.Tokenizers.Data.O200kBase",
            TiktokenPatterns.O200kBase(),
            new Dictionary<string, int>(StringComparer.Ordinal)
            {
                ["<|endoftext|>"] = 199999,
                ["<|endofprompt|>"] = 200018,
            },
            vocabularySize: 200019),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<TextTokenizer> s_cl100kBase = new(
        () => Load(
            Cl100kBase,
            "Microsoft.ML.Tokenizers.Data.Cl100kBase",
            TiktokenPatterns.Cl100kBase(),
            new Dictionary<string, int>(StringComparer.Ordinal)
            {
                ["<|endoftext|>"] = 100257,
                ["<|fim_prefix|>"] = 100258,
                ["<|fim_middle|>"] = 100259,
                ["<|fim_suffix|>"] = 100260,
                ["<|endofprompt|>"] = 100276,
            },
            vocabularySize: 100277),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly TiktokenTokenizer _tokenizer;
    private readonly Lazy<TextTokenizer> _folding;

    private TextTokenizer(string name, TiktokenTokenizer tokenizer, IReadOnlyDictionary<string, int> specialTokens, int vocabularySize, bool foldsConfusables = false)
    {
        Name = name;
        _tokenizer = tokenizer;
        SpecialTokens = specialTokens;
        VocabularySize = vocabularySize;
        FoldsConfusables = foldsConfusables;
        _folding = foldsConfusables
            ? new Lazy<TextTokenizer>(this)
            : new Lazy<TextTokenizer>(() => new TextTokenizer(name, tokenizer, specialTokens, vocabularySize, foldsConfusables: true), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Gets a value indicating whether this instance folds look-alike letters of other scripts into Latin ones before encoding
    /// (see <see cref="WithConfusablesFolded"/>); <see langword="false"/> for the instances <see cref="Create(string)"/> returns.
    /// </summary>
    public bool FoldsConfusables { get; }

    /// <summary>Gets the names <see cref="Create(string)"/> accepts.</summary>
    public static IReadOnlyList<string> SupportedNames { get; } = [O200kBase, Cl100kBase];

    /// <summary>Gets the encoding's name, such as <c>o200k_base</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// Gets the number of logits a model over this tokenizer produces: the largest token id,
    /// special tokens included, plus one.
    /// </summary>
    /// <remarks>
    /// <c>o200k_base</c>: 200,019 (byte-pair ranks 0 to 199,997; id 199,998 unused; special tokens
    /// 199,999 and 200,018). <c>cl100k_base</c>: 100,277 (ranks 0 to 100,255; id 100,256 unused;
    /// special tokens 100,257 to 100,260 and 100,276). Every id <see cref="Encode(string)"/> returns is
    /// below it.
    /// </remarks>
    public int VocabularySize { get; }

    /// <summary>Gets the encoding's special tokens and their ids; <see cref="Encode(string)"/> never emits them.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>Gets the default tokenizer, <c>o200k_base</c>.</summary>
    /// <returns>The shared <c>o200k_base</c> instance.</returns>
    public static TextTokenizer Create() => Create(DefaultName);

    /// <summary>Gets the tokenizer for a named encoding.</summary>
    /// <param name="name"><c>o200k_base</c> or <c>cl100k_base</c> (case-insensitive).</param>
    /// <returns>The shared instance for that encoding; loaded on first use.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a supported encoding; the message lists the supported ones.</exception>
    /// <exception cref="InvalidOperationException">The package holding the encoding's vocabulary is missing.</exception>
    public static TextTokenizer Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.Equals(name, O200kBase, StringComparison.OrdinalIgnoreCase))
        {
            return s_o200kBase.Value;
        }

        if (string.Equals(name, Cl100kBase, StringComparison.OrdinalIgnoreCase))
        {
            return s_cl100kBase.Value;
        }

        throw new ArgumentException($"Unknown tokenizer '{name}'. Supported tokenizers: {string.Join(", ", SupportedNames)}.", nameof(name));
    }

    /// <summary>
    /// Returns the same encoding with one more normalization step: Cyrillic, Greek and fullwidth look-alikes of Latin letters
    /// are folded into the Latin letters (Unicode TR39 confusables with a one-letter Latin prototype, in Latin words or mostly
    /// Latin text only), the counter-measure to homoglyph substitution. Detection only: text generated and detected without
    /// the fold keeps its tokens, so the instances of <see cref="Create(string)"/> do not fold.
    /// </summary>
    /// <returns>A shared instance that folds; this instance when it already does.</returns>
    public TextTokenizer WithConfusablesFolded() => _folding.Value;

    /// <summary>Normalizes text (see <see cref="TextNormalizer"/>) and encodes it, keeping character offsets.</summary>
    /// <param name="text">The text to encode.</param>
    /// <returns>The token ids and, for each token, its span in the normalized and in the original text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public TokenizedText Encode(string text)
    {
        NormalizedText normalized = TextNormalizer.Normalize(text, FoldsConfusables);
        IReadOnlyList<EncodedToken> tokens = _tokenizer.EncodeToTokens(normalized.Text, out _, considerPreTokenization: true, considerNormalization: false);
        int count = tokens.Count;
        int[] ids = new int[count];
        int[] starts = new int[count];
        int[] lengths = new int[count];
        int length = normalized.Text.Length;
        for (int i = 0; i < count; i++)
        {
            EncodedToken token = tokens[i];
            (int offset, int tokenLength) = token.Offset.GetOffsetAndLength(length);
            ids[i] = token.Id;
            starts[i] = offset;
            lengths[i] = tokenLength;
        }

        return new TokenizedText(normalized, ids, starts, lengths);
    }

    /// <summary>Normalizes text (see <see cref="TextNormalizer"/>) and encodes it to token ids.</summary>
    /// <param name="text">The text to encode.</param>
    /// <returns>The token ids, the same as <see cref="Encode(string)"/> gives.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public int[] EncodeToIds(string text)
    {
        NormalizedText normalized = TextNormalizer.Normalize(text, FoldsConfusables);
        IReadOnlyList<int> ids = _tokenizer.EncodeToIds(normalized.Text, considerPreTokenization: true, considerNormalization: false);
        int[] result = new int[ids.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = ids[i];
        }

        return result;
    }

    /// <summary>Encodes text to token ids without <see cref="TextNormalizer"/>: what a detector that skips normalization sees (for measuring what normalization is worth).</summary>
    internal int[] EncodeToIdsWithoutNormalization(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. _tokenizer.EncodeToIds(text, considerPreTokenization: true, considerNormalization: false)];
    }

    /// <summary>Decodes token ids to text.</summary>
    /// <param name="ids">The token ids.</param>
    /// <returns>
    /// The text. Special tokens decode to their names; an id no token has decodes to nothing; bytes
    /// that do not form complete UTF-8 characters (a run cut inside a character) decode to U+FFFD.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="VocabularySize"/>.</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        if (ids.IsEmpty)
        {
            return string.Empty;
        }

        int[] copy = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if (id < 0 || id >= VocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is outside the vocabulary of {Name} (0 to {VocabularySize - 1}).");
            }

            copy[i] = id;
        }

        return _tokenizer.Decode(copy) ?? string.Empty;
    }

    /// <summary>Returns the encoding's name.</summary>
    /// <returns><see cref="Name"/>.</returns>
    public override string ToString() => Name;

    private static TextTokenizer Load(string name, string dataAssemblyName, System.Text.RegularExpressions.Regex pattern, Dictionary<string, int> specialTokens, int vocabularySize)
    {
        Assembly dataAssembly;
        try
        {
            dataAssembly = Assembly.Load(new AssemblyName(dataAssemblyName));
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidOperationException($"The vocabulary of {name} was not found: add a reference to the {dataAssemblyName} package.", e);
        }

        string resource = name + ".tiktoken.deflate";
        using Stream compressed = dataAssembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The {dataAssemblyName} package does not contain {resource}; use the version Distill.Tokenizers was built with.");
        using var vocabulary = new DeflateStream(compressed, CompressionMode.Decompress);
        TiktokenTokenizer tokenizer = TiktokenTokenizer.Create(vocabulary, new RegexPreTokenizer(pattern, specialTokens: null), normalizer: null, specialTokens);
        return new TextTokenizer(name, tokenizer, specialTokens.AsReadOnly(), vocabularySize);
    }
}
