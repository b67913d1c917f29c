using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Distill.Extensions.AI;

/// <summary>One prompt of a probe: a stable identifier and the text sent to the suspect.</summary>
/// <remarks>
/// The identifier is what the <see cref="ProbeLog"/> resumes by: a prompt whose identifier already
/// has a successful response in the log is not sent again. Instances are immutable and thread-safe.
/// </remarks>
public sealed record ProbePrompt
{
    /// <summary>Initializes a prompt.</summary>
    /// <param name="id">The prompt's identifier, unique within the prompt set; not empty.</param>
    /// <param name="text">The prompt's text; not empty or white space only.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null or empty, or <paramref name="text"/> is null, empty or white space only.</exception>
    public ProbePrompt(string id, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        Id = id;
        Text = text;
    }

    /// <summary>Gets the prompt's identifier.</summary>
    public string Id { get; }

    /// <summary>Gets the prompt's text.</summary>
    public string Text { get; }

    /// <summary>
    /// Reads a prompt set from a file: a <c>.jsonl</c> file with one <c>{"id": ..., "text": ...}</c>
    /// object per line (the identifier a string or a number; the line number when absent), or any
    /// other file as plain text with one prompt per line, its identifier the line number.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The prompts in file order; blank lines are skipped (their numbers are not reused).</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line is not valid, two prompts share an identifier, or the file holds no prompt.</exception>
    public static IReadOnlyList<ProbePrompt> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Prompts file '{path}' does not exist.", path);
        }

        bool jsonl = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        var prompts = new List<ProbePrompt>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            ProbePrompt prompt = jsonl
                ? ParseJsonLine(line, path, lineNumber)
                : new ProbePrompt(lineNumber.ToString(CultureInfo.InvariantCulture), line);
            if (!ids.Add(prompt.Id))
            {
                throw new InvalidDataException($"{path}:{lineNumber}: the prompt id '{prompt.Id}' is used twice; each prompt needs its own id to resume by.");
            }

            prompts.Add(prompt);
        }

        if (prompts.Count == 0)
        {
            throw new InvalidDataException($"Prompts file '{path}' holds no prompt.");
        }

        return prompts;
    }

    private static ProbePrompt ParseJsonLine(string line, string path, int lineNumber)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("text", out JsonElement text)
                || text.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(text.GetString()))
            {
                throw new InvalidDataException($"{path}:{lineNumber}: each line must be a JSON object with a non-empty string field \"text\".");
            }

            string id = !root.TryGetProperty("id", out JsonElement given)
                ? lineNumber.ToString(CultureInfo.InvariantCulture)
                : given.ValueKind switch
                {
                    JsonValueKind.String when given.GetString() is { Length: > 0 } s => s,
                    JsonValueKind.Number => given.GetRawText(),
                    _ => throw new InvalidDataException($"{path}:{lineNumber}: \"id\" must be a non-empty string or a number."),
                };
            return new ProbePrompt(id, text.GetString()!);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: not valid JSON ({ex.Message}).", ex);
        }
    }
}
