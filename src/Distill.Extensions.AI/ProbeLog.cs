using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;

namespace Distill.Extensions.AI;

/// <summary>
/// The append-only JSON Lines log of a probe: one line per finished prompt, written and flushed as
/// soon as the prompt finishes, so that a probe that crashes or is killed loses at most the line it
/// was writing and resumes without asking again what it has.
/// </summary>
/// <remarks>
/// <para>
/// Each line is one JSON object: <c>id</c>, <c>prompt</c>, <c>system</c> (only when a system
/// prompt was sent), <c>response</c> (null on failure),
/// <c>model</c>, <c>finishReason</c>, <c>attempts</c>, <c>error</c> (null on success) and
/// <c>utc</c> (ISO 8601). A prompt may have failed lines before its one successful line; a failed
/// prompt is asked again by the next run.
/// </para>
/// <para>
/// <see cref="Open"/> reads the lines already there. A corrupt or truncated last line (a crash in
/// the middle of a write) is cut away and its prompt asked again; a corrupt line anywhere else is
/// refused, since the log can then no longer be trusted. While the log is open, an exclusive lock file beside
/// it (<c>LOG.lock</c>, deleted on close; one left by a killed process is free again) keeps a second
/// probe out; readers may read the log meanwhile. Lines are flushed to the operating system, which survives the
/// process being killed; a power loss may lose the last lines, which are then asked again.
/// </para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public sealed partial class ProbeLog : IDisposable
{
    private readonly FileStream _gate;
    private readonly FileStream _stream;
    private readonly List<ProbeRecord> _records;
    private readonly Dictionary<string, ProbeRecord> _answered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _prompts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _disposed;

    private ProbeLog(string path, FileStream gate, FileStream stream, List<ProbeRecord> records, bool repaired)
    {
        Path = path;
        _gate = gate;
        _stream = stream;
        _records = records;
        RepairedLastLine = repaired;
        foreach (ProbeRecord record in records)
        {
            Index(record, path);
        }
    }

    /// <summary>Gets the log file's path.</summary>
    public string Path { get; }

    /// <summary>Gets a value indicating whether <see cref="Open"/> cut away a truncated or corrupt last line.</summary>
    public bool RepairedLastLine { get; }

    /// <summary>Gets a snapshot of the log's lines, in file order.</summary>
    public IReadOnlyList<ProbeRecord> Records
    {
        get
        {
            lock (_lock)
            {
                return _records.ToArray();
            }
        }
    }

    /// <summary>Gets the number of distinct prompt identifiers in the log, answered or not.</summary>
    public int PromptCount
    {
        get
        {
            lock (_lock)
            {
                return _prompts.Count;
            }
        }
    }

    /// <summary>Gets the number of prompts with a successful response.</summary>
    public int AnsweredCount
    {
        get
        {
            lock (_lock)
            {
                return _answered.Count;
            }
        }
    }

    /// <summary>Opens a log, creating the file when it does not exist, and reads the lines already there.</summary>
    /// <param name="path">The log file.</param>
    /// <returns>The open log; dispose it to close the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="InvalidDataException">A line other than the last is not a valid log line, or a prompt id has two successful lines or two different texts.</exception>
    /// <exception cref="IOException">The file cannot be opened, for example because another probe holds it.</exception>
    public static ProbeLog Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream gate;
        try
        {
            gate = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex)
        {
            throw new IOException($"The log '{path}' is in use by another probe (it holds '{path}.lock').", ex);
        }

        FileStream? stream = null;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            var records = ReadAndRepair(stream, path, out bool repaired);
            stream.Seek(0, SeekOrigin.End);
            return new ProbeLog(path, gate, stream, records, repaired);
        }
        catch
        {
            stream?.Dispose();
            gate.Dispose();
            throw;
        }
    }

    /// <summary>Gets the successful line of a prompt.</summary>
    /// <param name="id">The prompt's identifier.</param>
    /// <param name="record">The successful line, when there is one.</param>
    /// <returns><see langword="true"/> when the prompt has a successful response in the log.</returns>
    public bool TryGetAnswer(string id, out ProbeRecord record)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            return _answered.TryGetValue(id, out record!);
        }
    }

    /// <summary>Appends a line and flushes it.</summary>
    /// <param name="record">The line.</param>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The prompt already has a successful line, or the log has another text for its id.</exception>
    /// <exception cref="ObjectDisposedException">The log is closed.</exception>
    public void Append(ProbeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        byte[] line = Serialize(record);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_answered.ContainsKey(record.Id))
            {
                throw new InvalidOperationException($"Prompt '{record.Id}' already has a response in the log.");
            }

            if (_prompts.TryGetValue(record.Id, out string? text) && !string.Equals(text, record.Prompt, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The log has another text for prompt '{record.Id}'.");
            }

            _stream.Write(line);
            _stream.Flush();
            _records.Add(record);
            Index(record, Path);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _disposed = true;
                _stream.Dispose();
                _gate.Dispose();
            }
        }
    }

    /// <summary>Checks that every prompt that the log has seen still has the text it had.</summary>
    internal void CheckPromptSet(IReadOnlyList<ProbePrompt> prompts)
    {
        lock (_lock)
        {
            foreach (ProbePrompt prompt in prompts)
            {
                if (_prompts.TryGetValue(prompt.Id, out string? text) && !string.Equals(text, prompt.Text, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Prompt '{prompt.Id}' has another text than in the log '{Path}': the prompt set changed. Use a new log for a new prompt set.");
                }
            }
        }
    }

    private void Index(ProbeRecord record, string path)
    {
        if (_prompts.TryGetValue(record.Id, out string? text))
        {
            if (!string.Equals(text, record.Prompt, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{path}: prompt '{record.Id}' appears with two different texts.");
            }
        }
        else
        {
            _prompts.Add(record.Id, record.Prompt);
        }

        if (record.Succeeded && !_answered.TryAdd(record.Id, record))
        {
            throw new InvalidDataException($"{path}: prompt '{record.Id}' has two responses; was the log written by two probes at once?");
        }
    }

    private static List<ProbeRecord> ReadAndRepair(FileStream stream, string path, out bool repaired)
    {
        byte[] bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var records = new List<ProbeRecord>();
        repaired = false;
        int start = 0;
        int lineNumber = 0;
        while (start < bytes.Length)
        {
            int newline = Array.IndexOf(bytes, (byte)'\n', start);
            int end = newline < 0 ? bytes.Length : newline;
            lineNumber++;
            ReadOnlySpan<byte> line = bytes.AsSpan(start, end - start);
            bool isLast = newline < 0 || IsBlank(bytes.AsSpan(newline + 1));
            if (!IsBlank(line))
            {
                ProbeRecord? record = TryParse(line, out string? problem);
                if (record is null)
                {
                    if (!isLast)
                    {
                        throw new InvalidDataException($"{path}:{lineNumber}: not a valid probe log line ({problem}). Only the last line may be damaged (by a crash); fix or remove this one by hand.");
                    }

                    // A write cut short by a crash: drop it; its prompt is asked again.
                    stream.SetLength(start);
                    repaired = true;
                    return records;
                }

                records.Add(record);
            }

            if (newline < 0)
            {
                // A complete line whose newline was not written: finish it.
                stream.Seek(0, SeekOrigin.End);
                stream.WriteByte((byte)'\n');
                stream.Flush();
                return records;
            }

            start = newline + 1;
        }

        return records;
    }

    private static bool IsBlank(ReadOnlySpan<byte> bytes) => bytes.Trim(" \t\r\n"u8).IsEmpty;

    private static ProbeRecord? TryParse(ReadOnlySpan<byte> line, out string? problem)
    {
        problem = null;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line.ToArray());
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out JsonElement id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } idText
                || !root.TryGetProperty("prompt", out JsonElement prompt) || prompt.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("attempts", out JsonElement attempts) || !attempts.TryGetInt32(out int attemptCount)
                || !root.TryGetProperty("utc", out JsonElement utc) || !utc.TryGetDateTimeOffset(out DateTimeOffset time))
            {
                problem = "it needs a string id and prompt, an integer attempts and a utc time";
                return null;
            }

            return new ProbeRecord
            {
                Id = idText,
                Prompt = prompt.GetString()!,
                SystemPrompt = OptionalString(root, "system"),
                Response = OptionalString(root, "response"),
                Model = OptionalString(root, "model"),
                FinishReason = OptionalString(root, "finishReason"),
                Attempts = attemptCount,
                Error = OptionalString(root, "error"),
                Utc = time,
            };
        }
        catch (JsonException ex)
        {
            problem = ex.Message;
            return null;
        }
        catch (InvalidOperationException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Serialize(ProbeRecord record)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", record.Id);
            w.WriteString("prompt", record.Prompt);
            if (record.SystemPrompt is not null)
            {
                w.WriteString("system", record.SystemPrompt);
            }

            WriteOptional(w, "response", record.Response);
            WriteOptional(w, "model", record.Model);
            WriteOptional(w, "finishReason", record.FinishReason);
            w.WriteNumber("attempts", record.Attempts);
            WriteOptional(w, "error", record.Error);
            w.WriteString("utc", record.Utc.ToUniversalTime());
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
