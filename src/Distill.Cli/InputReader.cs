using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Distill.Cli;

/// <summary>
/// Reads the documents of the commands' inputs: standard input or a text file (one document), or a
/// .jsonl file whose lines carry a string "text" or an array "ids" of token ids, and optionally an "id".
/// </summary>
internal static class InputReader
{
    /// <summary>The texts of an input (for the commands that take text only): lines with "ids" are refused.</summary>
    public static IEnumerable<(JsonElement Id, string Text)> ReadDocuments(string input, TextReader stdin)
    {
        foreach (InputDocument document in ReadInputs(input, stdin))
        {
            if (document.Text is null)
            {
                throw new InvalidDataException($"{input}: this command takes text; a line with \"ids\" is only for detect.");
            }

            yield return (document.Id, document.Text);
        }
    }

    /// <summary>The documents of an input, text or token ids, read lazily.</summary>
    public static IEnumerable<InputDocument> ReadInputs(string input, TextReader stdin)
    {
        if (input == "-")
        {
            yield return new InputDocument(JsonSerializer.SerializeToElement("-", CliJsonContext.Default.String), stdin.ReadToEnd(), null);
            yield break;
        }

        if (!File.Exists(input))
        {
            throw new FileNotFoundException($"Input '{input}' does not exist.");
        }

        if (!input.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            yield return new InputDocument(JsonSerializer.SerializeToElement(input, CliJsonContext.Default.String), File.ReadAllText(input), null);
            yield break;
        }

        int lineNumber = 0;
        foreach (string line in File.ReadLines(input))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return ParseLine(line, $"{input}:{lineNumber}", lineNumber);
        }
    }

    private static InputDocument ParseLine(string line, string where, int lineNumber)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{where}: each line must be a JSON object with a string field \"text\" or an array field \"ids\".");
            }

            JsonElement id = root.TryGetProperty("id", out JsonElement given) ? given.Clone() : JsonSerializer.SerializeToElement(lineNumber, CliJsonContext.Default.Int32);
            bool hasText = root.TryGetProperty("text", out JsonElement text);
            bool hasIds = root.TryGetProperty("ids", out JsonElement ids);
            if (hasText == hasIds)
            {
                throw new InvalidDataException($"{where}: each line must carry exactly one of \"text\" (a string) and \"ids\" (an array of token ids).");
            }

            if (hasText)
            {
                return text.ValueKind == JsonValueKind.String
                    ? new InputDocument(id, text.GetString()!, null)
                    : throw new InvalidDataException($"{where}: \"text\" must be a string.");
            }

            if (ids.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{where}: \"ids\" must be an array of token ids.");
            }

            var tokens = new int[ids.GetArrayLength()];
            int i = 0;
            foreach (JsonElement e in ids.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out tokens[i]) || tokens[i] < 0)
                {
                    throw new InvalidDataException($"{where}: \"ids\"[{i}] is not a token id (a non-negative 32-bit integer).");
                }

                i++;
            }

            return tokens.Length > 0 ? new InputDocument(id, null, tokens) : throw new InvalidDataException($"{where}: \"ids\" is empty: there is nothing to test.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: not valid JSON ({ex.Message}).");
        }
    }
}
