using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// The Princeton WordNet 3.x database read from its files (<c>index.POS</c>, <c>data.POS</c> and
/// <c>POS.exc</c> for noun, verb, adj and adv), as Debian's <c>wordnet-base</c> package installs them
/// under <see cref="DefaultDirectory"/>. Finds a word's single-word synonyms, inflected like it.
/// </summary>
/// <remarks>
/// <para>
/// The formats are those of the WordNet manual pages wndb(5WN) and morphy(7WN): an index line is
/// <c>lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...</c>; a data
/// line starts with its own 8-digit byte offset, then <c>lex_filenum ss_type w_cnt</c> (w_cnt in
/// hex) and w_cnt pairs of <c>word lex_id</c>; an exception line is <c>inflected base...</c>. Lines
/// of the licence header start with a space. Every line is checked as it is read, and a file that
/// breaks the format gives an <see cref="InvalidDataException"/> naming the file and line.
/// </para>
/// <para>
/// Morphology follows morphy: a word's base forms in a part of speech are the word itself when it
/// is a lemma, the bases its exception list gives, and the lemmas its detachment rules reach (nouns:
/// -s, -ses, -xes, -zes, -ches, -shes, -men, -ies; verbs: -s, -ies, -es, -ed, -ing; adjectives: -er,
/// -est). A synonym of a base reached by a rule is inflected back by the same rule (house, houses:
/// home, homes) and kept only when it ends as the rule needs; bases from the exception lists
/// (irregular forms) give no synonyms, since their synonyms cannot be inflected reliably. Multi-word
/// lemmas (with <c>_</c>) are never offered. Immutable after loading and thread-safe.
/// </para>
/// </remarks>
public sealed class WordNetDatabase
{
    /// <summary>The directory where Debian's <c>wordnet-base</c> package installs the database: <c>/usr/share/wordnet</c>.</summary>
    public const string DefaultDirectory = "/usr/share/wordnet";

    private static readonly string[] s_parts = ["noun", "verb", "adj", "adv"];

    private static readonly (string Suffix, string Ending)[][] s_rules =
    [
        [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")],
        [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
        [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        [],
    ];

    private readonly Dictionary<string, long[]>[] _index;
    private readonly byte[][] _data;
    private readonly Dictionary<string, string[]>[] _exceptions;
    private readonly string[] _dataPaths;
    private readonly ConcurrentDictionary<string, string[]> _synonyms = new(StringComparer.Ordinal);

    private WordNetDatabase(string directory, Dictionary<string, long[]>[] index, byte[][] data, Dictionary<string, string[]>[] exceptions, string[] dataPaths)
    {
        Directory = directory;
        _index = index;
        _data = data;
        _exceptions = exceptions;
        _dataPaths = dataPaths;
    }

    /// <summary>Gets the directory the database was read from.</summary>
    public string Directory { get; }

    /// <summary>Gets the number of distinct lemmas over the four parts of speech.</summary>
    public int LemmaCount => _index.SelectMany(i => i.Keys).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Returns whether a directory holds every file <see cref="Load"/> reads.</summary>
    /// <param name="directory">The directory; <see cref="DefaultDirectory"/> when <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the twelve files exist.</returns>
    public static bool Exists(string? directory = null)
    {
        directory ??= DefaultDirectory;
        return s_parts.All(p => File.Exists(Path.Combine(directory, "index." + p)) && File.Exists(Path.Combine(directory, "data." + p)) && File.Exists(Path.Combine(directory, p + ".exc")));
    }

    /// <summary>Reads the database.</summary>
    /// <param name="directory">The directory holding the files; <see cref="DefaultDirectory"/> when <see langword="null"/>.</param>
    /// <returns>The database.</returns>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it and the Debian package that installs it.</exception>
    /// <exception cref="InvalidDataException">A file breaks the WordNet format; the message names the file and line.</exception>
    public static WordNetDatabase Load(string? directory = null)
    {
        directory ??= DefaultDirectory;
        var index = new Dictionary<string, long[]>[s_parts.Length];
        var data = new byte[s_parts.Length][];
        var exceptions = new Dictionary<string, string[]>[s_parts.Length];
        var dataPaths = new string[s_parts.Length];
        for (int p = 0; p < s_parts.Length; p++)
        {
            index[p] = ReadIndex(Required(directory, "index." + s_parts[p]));
            dataPaths[p] = Required(directory, "data." + s_parts[p]);
            data[p] = File.ReadAllBytes(dataPaths[p]);
            exceptions[p] = ReadExceptions(Required(directory, s_parts[p] + ".exc"));
        }

        return new WordNetDatabase(directory, index, data, exceptions, dataPaths);
    }

    /// <summary>Returns whether a word (lower case) is a lemma of some part of speech.</summary>
    /// <param name="lemma">The lemma, lower case, words joined by <c>_</c>.</param>
    /// <returns><see langword="true"/> when an index lists it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lemma"/> is <see langword="null"/>.</exception>
    public bool ContainsLemma(string lemma)
    {
        ArgumentNullException.ThrowIfNull(lemma);
        return _index.Any(i => i.ContainsKey(lemma));
    }

    /// <summary>Returns the lemmas of every synset of a lemma in every part of speech (the lemma itself included), as the data files spell them.</summary>
    /// <param name="lemma">The lemma, lower case.</param>
    /// <returns>The distinct lemmas in order of the synsets; empty when the lemma is unknown.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lemma"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">A data line breaks the format.</exception>
    public IReadOnlyList<string> SynsetLemmas(string lemma)
    {
        ArgumentNullException.ThrowIfNull(lemma);
        var result = new List<string>();
        for (int p = 0; p < s_parts.Length; p++)
        {
            foreach (string word in SynsetWords(p, lemma))
            {
                if (!result.Contains(word))
                {
                    result.Add(word);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Returns the single-word synonyms of a word as it is written (lower case), inflected like it
    /// (see the remarks of <see cref="WordNetDatabase"/>), never the word itself.
    /// </summary>
    /// <param name="word">The word, lower-case ASCII letters.</param>
    /// <returns>The distinct synonyms in the order WordNet lists them; empty when there are none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="word"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">A data line breaks the format.</exception>
    public IReadOnlyList<string> Synonyms(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return _synonyms.GetOrAdd(word, FindSynonyms);
    }

    private string[] FindSynonyms(string word)
    {
        var result = new List<string>();
        for (int p = 0; p < s_parts.Length; p++)
        {
            if (_exceptions[p].ContainsKey(word))
            {
                continue;
            }

            if (_index[p].ContainsKey(word))
            {
                Add(result, word, SynsetWords(p, word), "", "");
            }

            foreach ((string suffix, string ending) in s_rules[p])
            {
                if (word.Length > suffix.Length + 1 && word.EndsWith(suffix, StringComparison.Ordinal))
                {
                    string stem = string.Concat(word.AsSpan(0, word.Length - suffix.Length), ending);
                    if (stem != word && _index[p].ContainsKey(stem))
                    {
                        Add(result, word, SynsetWords(p, stem).Where(s => s != stem), suffix, ending);
                    }
                }
            }
        }

        return [.. result];
    }

    private static void Add(List<string> result, string word, IEnumerable<string> lemmas, string suffix, string ending)
    {
        foreach (string lemma in lemmas)
        {
            if (!TextWords.IsAsciiLetters(lemma) || !lemma.EndsWith(ending, StringComparison.Ordinal) || lemma.Length == ending.Length)
            {
                continue;
            }

            string inflected = string.Concat(lemma.AsSpan(0, lemma.Length - ending.Length), suffix).ToLowerInvariant();
            if (inflected != word && !result.Contains(inflected))
            {
                result.Add(inflected);
            }
        }
    }

    private IEnumerable<string> SynsetWords(int part, string lemma)
    {
        if (!_index[part].TryGetValue(lemma, out long[]? offsets))
        {
            yield break;
        }

        foreach (long offset in offsets)
        {
            foreach (string word in ReadSynset(part, offset))
            {
                yield return word;
            }
        }
    }

    private string[] ReadSynset(int part, long offset)
    {
        byte[] data = _data[part];
        if (offset < 0 || offset >= data.Length)
        {
            throw Corrupt(_dataPaths[part], $"byte offset {offset}", "an index points past the end of the file.");
        }

        int end = Array.IndexOf(data, (byte)'\n', (int)offset);
        string line = Encoding.UTF8.GetString(data, (int)offset, (end < 0 ? data.Length : end) - (int)offset);
        string[] fields = line.Split(' ');
        if (fields.Length < 4 || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long own) || own != offset)
        {
            throw Corrupt(_dataPaths[part], $"byte offset {offset}", "no synset line starts there (a data line starts with its own byte offset).");
        }

        if (!int.TryParse(fields[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int count) || count < 1 || fields.Length < 4 + (2 * count))
        {
            throw Corrupt(_dataPaths[part], $"byte offset {offset}", $"the word count '{fields[3]}' is not a hexadecimal number matching the line.");
        }

        var words = new string[count];
        for (int w = 0; w < count; w++)
        {
            string word = fields[4 + (2 * w)];
            int marker = word.IndexOf('(', StringComparison.Ordinal);
            words[w] = (marker > 0 ? word[..marker] : word).ToLowerInvariant();
        }

        return words;
    }

    private static Dictionary<string, long[]> ReadIndex(string path)
    {
        var index = new Dictionary<string, long[]>(StringComparer.Ordinal);
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0 || line[0] == ' ')
            {
                continue;
            }

            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 6 || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int synsets) || !int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out int pointers)
                || f.Length != 6 + pointers + synsets)
            {
                throw Corrupt(path, $"line {number}", "expected 'lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...' with matching counts.");
            }

            var offsets = new long[synsets];
            for (int s = 0; s < synsets; s++)
            {
                if (!long.TryParse(f[6 + pointers + s], NumberStyles.None, CultureInfo.InvariantCulture, out offsets[s]))
                {
                    throw Corrupt(path, $"line {number}", $"'{f[6 + pointers + s]}' is not a synset offset.");
                }
            }

            index[f[0]] = offsets;
        }

        return index.Count > 0 ? index : throw Corrupt(path, "end of file", "the index lists no lemma.");
    }

    private static Dictionary<string, string[]> ReadExceptions(string path)
    {
        var exceptions = new Dictionary<string, string[]>(StringComparer.Ordinal);
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0)
            {
                continue;
            }

            exceptions[f[0]] = f.Length >= 2 ? f[1..] : throw Corrupt(path, $"line {number}", "expected 'inflected base...'.");
        }

        return exceptions;
    }

    private static string Required(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"WordNet file '{path}' is missing. Install the database (Debian: apt-get install wordnet-base) or give the directory that holds index.*, data.* and *.exc.", path);
    }

    private static InvalidDataException Corrupt(string path, string where, string what) =>
        new($"WordNet file '{path}' is corrupt at {where}: {what}");
}
