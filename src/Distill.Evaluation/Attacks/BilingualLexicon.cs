using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// A translating dictionary in the dictd format of the FreeDict project (<c>NAME.index</c> and
/// <c>NAME.dict.dz</c>), as Debian's <c>dict-freedict-*</c> packages install them under
/// <see cref="DefaultDirectory"/>: finds a headword's single-word translations.
/// </summary>
/// <remarks>
/// <para>
/// An index line is <c>headword TAB offset TAB length</c>, offset and length in dictd's base-64
/// digits (A-Z, a-z, 0-9, +, /); the data file is dictzip (gzip whose extra field lists
/// independently compressed chunks), so an entry is read by inflating only its chunks; a plain gzip
/// file is decompressed whole when loaded. An entry's first line is the headword with its pronunciation and grammar; its second line
/// lists the translations, separated by commas, with grammar in angle brackets and labels in square
/// brackets (removed). Only translations of one word (letters, apostrophes and hyphens) are kept,
/// in the order of the entries, which FreeDict orders by sense. Lookups try the headword as given,
/// then lower case. Immutable after loading and thread-safe.
/// </para>
/// </remarks>
public sealed class BilingualLexicon
{
    /// <summary>The directory where Debian's <c>dict-freedict-*</c> packages install dictionaries: <c>/usr/share/dictd</c>.</summary>
    public const string DefaultDirectory = "/usr/share/dictd";

    private const string Digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private readonly Dictionary<string, List<(long Offset, int Length)>> _index;
    private readonly DictData _data;
    private readonly ConcurrentDictionary<string, string[]> _translations = new(StringComparer.Ordinal);

    private BilingualLexicon(string name, Dictionary<string, List<(long, int)>> index, DictData data)
    {
        Name = name;
        _index = index;
        _data = data;
    }

    /// <summary>Gets the dictionary's name, for example <c>freedict-eng-deu</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the number of distinct headwords.</summary>
    public int HeadwordCount => _index.Count;

    /// <summary>Returns whether a dictionary's two files exist.</summary>
    /// <param name="name">The name, for example <c>freedict-eng-deu</c>.</param>
    /// <param name="directory">The directory; <see cref="DefaultDirectory"/> when <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when both files exist.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public static bool Exists(string name, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        directory ??= DefaultDirectory;
        return File.Exists(Path.Combine(directory, name + ".index")) && File.Exists(Path.Combine(directory, name + ".dict.dz"));
    }

    /// <summary>Reads a dictionary.</summary>
    /// <param name="name">The name, for example <c>freedict-eng-deu</c> (Debian package <c>dict-freedict-eng-deu</c>).</param>
    /// <param name="directory">The directory; <see cref="DefaultDirectory"/> when <see langword="null"/>.</param>
    /// <returns>The dictionary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message names the Debian package.</exception>
    /// <exception cref="InvalidDataException">A file breaks the format; the message names the file and line.</exception>
    public static BilingualLexicon Load(string name, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        directory ??= DefaultDirectory;
        string indexPath = Path.Combine(directory, name + ".index"), dataPath = Path.Combine(directory, name + ".dict.dz");
        foreach (string path in (string[])[indexPath, dataPath])
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Dictionary file '{path}' is missing. Install it (Debian: apt-get install dict-{name}).", path);
            }
        }

        DictData data = DictData.Read(dataPath);
        var index = new Dictionary<string, List<(long, int)>>(StringComparer.Ordinal);
        int number = 0;
        foreach (string line in File.ReadLines(indexPath))
        {
            number++;
            string[] f = line.Split('\t');
            long offset = f.Length == 3 ? Decode(f[1]) : -1, length = f.Length == 3 ? Decode(f[2]) : -1;
            if (offset < 0 || length < 0 || offset + length > data.Length || length > int.MaxValue)
            {
                throw new InvalidDataException($"Dictionary file '{indexPath}' is corrupt at line {number}: expected 'headword TAB offset TAB length' (base-64 digits) inside the {data.Length}-byte data.");
            }

            if (!index.TryGetValue(f[0], out List<(long, int)>? entries))
            {
                index[f[0]] = entries = [];
            }

            entries.Add((offset, (int)length));
        }

        return new BilingualLexicon(name, index, data);
    }

    /// <summary>Returns the single-word translations of a headword, in the dictionary's order, without repeats.</summary>
    /// <param name="headword">The headword; tried as given, then in lower case.</param>
    /// <returns>The translations; empty when the headword is unknown or has none of one word.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="headword"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<string> Translations(string headword)
    {
        ArgumentNullException.ThrowIfNull(headword);
        return _translations.GetOrAdd(headword, Find);
    }

    private string[] Find(string headword)
    {
        if (!_index.TryGetValue(headword, out List<(long Offset, int Length)>? entries) && !_index.TryGetValue(headword.ToLowerInvariant(), out entries))
        {
            return [];
        }

        var result = new List<string>();
        foreach ((long offset, int length) in entries)
        {
            string entry = Encoding.UTF8.GetString(_data.Read(offset, length));
            string[] lines = entry.Split('\n');
            if (lines.Length < 2)
            {
                continue;
            }

            foreach (string item in Strip(lines[1]).Split(','))
            {
                string word = item.Trim();
                if (IsWord(word) && !result.Contains(word))
                {
                    result.Add(word);
                }
            }
        }

        return [.. result];
    }

    private static string Strip(string line)
    {
        var s = new StringBuilder(line.Length);
        int depth = 0;
        foreach (char c in line)
        {
            if (c is '<' or '[' or '(' or '{')
            {
                depth++;
            }
            else if (c is '>' or ']' or ')' or '}')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                s.Append(c);
            }
        }

        return s.ToString();
    }

    private static bool IsWord(string word)
    {
        if (word.Length == 0 || !char.IsLetter(word[0]) || !char.IsLetter(word[^1]))
        {
            return false;
        }

        foreach (char c in word)
        {
            if (!char.IsLetter(c) && c is not ('\'' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static long Decode(string digits)
    {
        if (digits.Length is 0 or > 10)
        {
            return -1;
        }

        long value = 0;
        foreach (char c in digits)
        {
            int digit = Digits.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return -1;
            }

            value = (value * 64) + digit;
        }

        return value;
    }
}
