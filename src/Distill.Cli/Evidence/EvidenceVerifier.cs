using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Distill.Cli.Evidence;

/// <summary>
/// Checks an evidence bundle: every file against the manifest, the manifest against the seal, the keys against the
/// manifest's profiles, and every figure of <c>results.json</c> against a rerun of the recorded command over the
/// bundled inputs.
/// </summary>
/// <remarks>
/// The hashes alone prove little: whoever edits a bundle can hash it again. The seal's HMAC needs the key, and the
/// rerun needs nothing but the key: an edited input or an edited figure changes what is recomputed.
/// </remarks>
internal static class EvidenceVerifier
{
    /// <summary>Verifies the bundle in <paramref name="folder"/> with the given profiles (every profile it names).</summary>
    public static VerificationReport Verify(string folder, IReadOnlyList<(string Path, WatermarkProfile Profile)> keys)
    {
        var report = new VerificationReport();
        try
        {
            Check(folder, keys, report);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or InvalidDataException or ArgumentException)
        {
            // A manifest or result that parses but has the wrong shape (the hashes matched, so the key's holder sealed it).
            report.Problems.Add($"the bundle is malformed: {CliApp.OneLine(ex.Message)}");
        }

        return report;
    }

    private static void Check(string folder, IReadOnlyList<(string Path, WatermarkProfile Profile)> keys, VerificationReport report)
    {
        List<string> present = EvidenceBundle.FilesIn(folder);
        foreach (string required in new[] { EvidenceBundle.Manifest, EvidenceBundle.Seal })
        {
            if (!present.Contains(required))
            {
                report.Problems.Add($"{required} is missing");
            }
        }

        if (report.Problems.Count > 0)
        {
            return;
        }

        byte[] manifestBytes = File.ReadAllBytes(Path.Combine(folder, EvidenceBundle.Manifest));
        byte[] sealBytes = File.ReadAllBytes(Path.Combine(folder, EvidenceBundle.Seal));
        string? sealedSha = TryReadString(sealBytes, "manifestSha256");
        if (sealedSha is null)
        {
            report.Problems.Add($"{EvidenceBundle.Seal} is not a seal (no manifestSha256)");
            return;
        }

        if (sealedSha != EvidenceBundle.Sha256(manifestBytes))
        {
            report.Problems.Add($"{EvidenceBundle.Manifest} does not match the SHA-256 in {EvidenceBundle.Seal}: it was edited after the bundle was sealed");
            return;
        }

        using JsonDocument manifestDocument = JsonDocument.Parse(manifestBytes);
        JsonElement manifest = manifestDocument.RootElement;
        if (manifest.GetProperty("format").GetString() != EvidenceBundle.FormatName || manifest.GetProperty("formatVersion").GetInt32() != EvidenceBundle.FormatVersion)
        {
            report.Problems.Add($"{EvidenceBundle.Manifest} is not a {EvidenceBundle.FormatName} v{EvidenceBundle.FormatVersion} manifest");
            return;
        }

        report.Command = manifest.GetProperty("command").GetString();
        report.ToolVersion = manifest.GetProperty("toolVersion").GetString();
        report.CreatedUtc = manifest.GetProperty("createdUtc").GetString();
        if (!CheckFiles(folder, manifest, present, report) || !CheckKeys(manifest, keys, report, out List<string> keyPaths))
        {
            return;
        }

        WatermarkKey sealKey = keys.First(k => k.Path == keyPaths[0]).Profile.Key;
        if (!sealBytes.AsSpan().SequenceEqual(EvidenceBundle.SealOf(manifestBytes, sealKey)))
        {
            string? hmac = TryReadString(sealBytes, "hmacSha256");
            string? expected = TryReadString(EvidenceBundle.SealOf(manifestBytes, sealKey), "hmacSha256");
            report.Problems.Add(hmac != expected
                ? $"{EvidenceBundle.Seal}: the HMAC does not match: the bundle was not sealed with key {sealKey.KeyId}'s evidence sub-key, or was edited"
                : $"{EvidenceBundle.Seal} differs from the seal this tool writes for the manifest");
            return;
        }

        report.Checks.Add($"{report.Files} files match their SHA-256 in the manifest; the seal (HMAC under key {sealKey.KeyId}) matches");
        Recompute(folder, manifest, keyPaths, report);
    }

    /// <summary>Every file listed, none missing, none extra, each with its SHA-256 and length.</summary>
    private static bool CheckFiles(string folder, JsonElement manifest, List<string> present, VerificationReport report)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal) { EvidenceBundle.Manifest, EvidenceBundle.Seal };
        foreach (JsonElement file in manifest.GetProperty("files").EnumerateArray())
        {
            string path = file.GetProperty("path").GetString()!;
            if (!EvidenceBundle.IsBundlePath(path) || !listed.Add(path))
            {
                report.Problems.Add($"the manifest lists '{path}', which is not a path inside the bundle or is listed twice");
                continue;
            }

            if (!present.Contains(path))
            {
                report.Problems.Add($"{path} is missing");
                continue;
            }

            byte[] bytes = File.ReadAllBytes(Path.Combine(folder, path));
            if (bytes.Length != file.GetProperty("bytes").GetInt64() || EvidenceBundle.Sha256(bytes) != file.GetProperty("sha256").GetString())
            {
                report.Problems.Add($"{path} does not match its SHA-256 and length in the manifest: it was edited");
            }
        }

        report.Problems.AddRange(present.Where(p => !listed.Contains(p)).Select(p => $"{p} is not in the manifest: a file was added"));
        report.Files = listed.Count;
        return report.Problems.Count == 0;
    }

    /// <summary>Matches each profile the manifest names with a given key of the same key id and descriptor.</summary>
    private static bool CheckKeys(JsonElement manifest, IReadOnlyList<(string Path, WatermarkProfile Profile)> keys, VerificationReport report, out List<string> keyPaths)
    {
        keyPaths = [];
        foreach (JsonElement p in manifest.GetProperty("profiles").EnumerateArray())
        {
            string keyId = p.GetProperty("keyId").GetString()!;
            string hash = p.GetProperty("descriptorHash").GetString()!;
            SchemeDescriptor recorded = p.GetProperty("descriptor").Deserialize(DistillJsonContext.Default.SchemeDescriptor)
                ?? throw new InvalidDataException("a profile's descriptor is null");
            if (recorded.Hash != hash || recorded.KeyId != keyId)
            {
                report.Problems.Add($"the manifest's descriptor for key id {keyId} does not hash to its descriptorHash {hash}");
                continue;
            }

            var match = keys.FirstOrDefault(k => k.Profile.Key.KeyId == keyId && k.Profile.Descriptor.Hash == hash);
            if (match.Path is not null)
            {
                keyPaths.Add(match.Path);
                report.KeyIds.Add(keyId);
                continue;
            }

            var sameKey = keys.FirstOrDefault(k => k.Profile.Key.KeyId == keyId);
            report.Problems.Add(sameKey.Path is not null
                ? $"the key file '{sameKey.Path}' has key id {keyId}, but its descriptor (hash {sameKey.Profile.Descriptor.Hash}) is not the bundle's (hash {hash})"
                : $"the bundle was made with key id {keyId} ({recorded.Scheme}); no --key given has it (given: {string.Join(", ", keys.Select(k => k.Profile.Key.KeyId))})");
        }

        if (keyPaths.Count == 0 && report.Problems.Count == 0)
        {
            report.Problems.Add("the manifest names no profile");
        }

        return report.Problems.Count == 0;
    }

    /// <summary>Reruns the recorded command over the bundle's copies with the given keys and compares every figure.</summary>
    private static void Recompute(string folder, JsonElement manifest, List<string> keyPaths, VerificationReport report)
    {
        string command = report.Command!;
        if (EvidenceCommandSpec.All.FirstOrDefault(s => s.Command == command) is null)
        {
            report.Problems.Add($"the manifest's command '{command}' is not one that writes evidence");
            return;
        }

        List<string> args = [.. manifest.GetProperty("arguments").EnumerateArray().Select(e => e.GetString()!)];
        string scratch = Directory.CreateTempSubdirectory("distill-verify-").FullName;
        try
        {
            int p = 0;
            foreach (JsonElement profile in manifest.GetProperty("profiles").EnumerateArray())
            {
                Replace(args, profile.GetProperty("argumentIndex").GetInt32(), EvidenceCommandSpec.KeyOption, profile.GetProperty("path").GetString()!, Path.GetFullPath(keyPaths[p++]));
            }

            string stdin = "";
            foreach (JsonElement input in manifest.GetProperty("inputs").EnumerateArray())
            {
                string source = input.GetProperty("source").GetString()!;
                string copy = Path.GetFullPath(Path.Combine(folder, input.GetProperty("file").GetString()!));
                if (source == "-")
                {
                    stdin = File.ReadAllText(copy, Encoding.UTF8);
                    continue;
                }

                Replace(args, input.GetProperty("argumentIndex").GetInt32(), input.GetProperty("option").GetString(), source, copy);
            }

            Replace(args, manifest.GetProperty("evidenceArgumentIndex").GetInt32(), EvidenceCommandSpec.EvidenceOption, manifest.GetProperty("evidence").GetString()!, Path.Combine(scratch, "bundle"));

            // An HTML report the recorded command wrote (--report) is written again into the scratch folder, never over the analyst's file.
            for (int i = 0; i < args.Count; i++)
            {
                if (args[i] == "--report" && i + 1 < args.Count)
                {
                    args[++i] = Path.Combine(scratch, "report.html");
                }
                else if (args[i].StartsWith("--report=", StringComparison.Ordinal))
                {
                    args[i] = "--report=" + Path.Combine(scratch, "report.html");
                }
            }

            var stderr = new StringWriter();
            int code = CliApp.Run([command, .. args], new StringReader(stdin), TextWriter.Null, stderr);
            string rerun = Path.Combine(scratch, "bundle");
            if (!File.Exists(Path.Combine(rerun, EvidenceBundle.Results)))
            {
                report.Problems.Add($"the recorded command could not be rerun (exit code {code}): {CliApp.OneLine(stderr.ToString().Trim())}");
                return;
            }

            // Every file the rerun read must be a copy in the bundle: a manifest that lists fewer inputs than its arguments name is refused.
            using JsonDocument rerunManifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(rerun, EvidenceBundle.Manifest)));
            string root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
            foreach (JsonElement input in rerunManifest.RootElement.GetProperty("inputs").EnumerateArray())
            {
                string source = input.GetProperty("source").GetString()!;
                if (source != "-" && !Path.GetFullPath(source).StartsWith(root, StringComparison.Ordinal))
                {
                    report.Problems.Add($"the recorded arguments name the file '{source}', which the bundle does not hold");
                }
            }

            using JsonDocument bundled = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, EvidenceBundle.Results)));
            using JsonDocument recomputed = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(rerun, EvidenceBundle.Results)));
            report.Problems.AddRange(EvidenceJson.Differences(bundled.RootElement, recomputed.RootElement).Select(d => $"{EvidenceBundle.Results} {d}"));
            report.Documents = recomputed.RootElement.GetProperty("documents").GetArrayLength();
            if (report.Problems.Count == 0)
            {
                report.Checks.Add($"the recorded command ({command}) was rerun over the bundled inputs: every figure of {EvidenceBundle.Results} ({report.Documents} documents) is recomputed bit for bit");
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Points the argument at <paramref name="index"/> (which must name <paramref name="expected"/>) at another file.</summary>
    private static void Replace(List<string> args, int index, string? option, string expected, string path)
    {
        bool inline = option is not null && index >= 0 && index < args.Count && args[index] == $"--{option}={expected}";
        if (index < 0 || index >= args.Count || (!inline && args[index] != expected))
        {
            throw new InvalidDataException($"the manifest's argument {index} is not '{expected}' as its arguments say");
        }

        args[index] = inline ? $"--{option}={path}" : path;
    }

    private static string? TryReadString(byte[] json, string property)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or not UTF-8 where a string should be.
            return null;
        }
    }
}

/// <summary>What <see cref="EvidenceVerifier"/> found: the checks passed and the problems (none when the bundle verifies).</summary>
internal sealed class VerificationReport
{
    public List<string> Problems { get; } = [];

    public List<string> Checks { get; } = [];

    public List<string> KeyIds { get; } = [];

    public string? Command { get; set; }

    public string? ToolVersion { get; set; }

    public string? CreatedUtc { get; set; }

    public int Files { get; set; }

    public int Documents { get; set; }

    /// <summary>Gets a value indicating whether every check passed.</summary>
    public bool Verified => Problems.Count == 0 && Checks.Count == 2;
}
