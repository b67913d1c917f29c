using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Distill.Cli.Evidence;

/// <summary>
/// The layout of an evidence bundle (docs/evidence.md): <c>manifest.json</c>, <c>seal.json</c>,
/// <c>results.json</c> and the copies of the inputs under <c>inputs/</c>.
/// </summary>
internal static class EvidenceBundle
{
    public const string FormatName = "distill-evidence";
    public const int FormatVersion = 1;
    public const string ResultsFormatName = "distill-evidence-results";
    public const string SealFormatName = "distill-evidence-seal";
    public const string Manifest = "manifest.json";
    public const string Seal = "seal.json";
    public const string Results = "results.json";
    public const string InputsFolder = "inputs";

    /// <summary>The purpose of the sub-key that signs the manifest (<see cref="WatermarkKey.Derive"/>).</summary>
    public const string HmacPurpose = "evidence/v1";

    /// <summary>The SHA-256 of <paramref name="bytes"/> in lowercase hexadecimal.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// The exact bytes of <c>seal.json</c> for a manifest: its SHA-256 and an HMAC-SHA256 keyed by the
    /// <c>evidence/v1</c> sub-key of <paramref name="key"/>, so only the key's holders can seal a bundle.
    /// </summary>
    public static byte[] SealOf(ReadOnlySpan<byte> manifest, WatermarkKey key)
    {
        byte[] subKey = key.Derive(HmacPurpose).ToBytes();
        try
        {
            string sha = Sha256(manifest);
            string hmac = Convert.ToHexStringLower(HMACSHA256.HashData(subKey, manifest));
            return WriteJson(w =>
            {
                w.WriteString("format", SealFormatName);
                w.WriteNumber("formatVersion", FormatVersion);
                w.WriteString("manifestSha256", sha);
                w.WriteString("hmacKeyId", key.KeyId);
                w.WriteString("hmacSha256", hmac);
            });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(subKey);
        }
    }

    /// <summary>Writes <c>seal.json</c> for the <c>manifest.json</c> that <paramref name="folder"/> holds now.</summary>
    public static void WriteSeal(string folder, WatermarkKey key) =>
        File.WriteAllBytes(Path.Combine(folder, Seal), SealOf(File.ReadAllBytes(Path.Combine(folder, Manifest)), key));

    /// <summary>An indented JSON object written by <paramref name="write"/>, as UTF-8 with a final newline.</summary>
    public static byte[] WriteJson(Action<Utf8JsonWriter> write) => [.. WriteValue(w =>
    {
        w.WriteStartObject();
        write(w);
        w.WriteEndObject();
    }), (byte)'\n'];

    /// <summary>One JSON value written by <paramref name="write"/>, as UTF-8: indented, or on one line.</summary>
    public static byte[] WriteValue(Action<Utf8JsonWriter> write, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            write(w);
        }

        return buffer.ToArray();
    }

    /// <summary>Every file under <paramref name="folder"/>, as bundle paths ('/'-separated, relative), in ordinal order.</summary>
    public static List<string> FilesIn(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Where(p => !Directory.Exists(p))
            .Select(p => Path.GetRelativePath(folder, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];

    /// <summary>Whether a path from a manifest names a file inside the bundle: relative, no <c>..</c>, no empty part.</summary>
    public static bool IsBundlePath(string path) =>
        path.Length > 0 && !Path.IsPathRooted(path) && !path.Contains('\\', StringComparison.Ordinal)
        && path.Split('/').All(part => part.Length > 0 && part != "." && part != "..");

    /// <summary>
    /// The bundle path of the <paramref name="index"/>-th input's copy: a folder per input, the file name kept (the
    /// extension selects the format), so that a copy's copy has the same bundle path.
    /// </summary>
    public static string InputPath(int index, string source)
    {
        string name = source == "-" ? "stdin.txt" : Path.GetFileName(source);
        // The name as it was (a --reference corpus is named by its file name), less what no file system takes.
        var safe = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            safe.Append(char.IsControl(c) || c is '\\' or '/' || Array.IndexOf(Path.GetInvalidFileNameChars(), c) >= 0 ? '_' : c);
        }

        string file = safe.Length == 0 || safe.ToString().Trim('.').Length == 0 ? "input" : safe.ToString();
        return $"{InputsFolder}/{index.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)}/{file}";
    }

    /// <summary>Refuses a folder that exists and is not empty (a bundle goes into a new or empty folder only).</summary>
    public static void RequireNewOrEmpty(string folder)
    {
        if (File.Exists(folder))
        {
            throw new UsageException($"--evidence '{folder}' is a file; give a new or empty folder.");
        }

        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new UsageException($"--evidence '{folder}' is not empty; give a new or empty folder (a bundle never overwrites or mixes with other files).");
        }
    }
}
