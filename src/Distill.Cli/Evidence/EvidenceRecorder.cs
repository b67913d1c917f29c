using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Distill.Cli.Evidence;

/// <summary>
/// Collects what a command read and found, and writes the evidence bundle (<c>--evidence DIR</c>) when it is done.
/// </summary>
/// <remarks>
/// The inputs are read into memory before the command starts (standard input is read once and handed to the
/// command from the copy), and checked again at the end: the bundle holds the bytes the command read. Nothing is
/// written unless the command completes.
/// </remarks>
internal sealed class EvidenceRecorder
{
    private readonly EvidenceCommandSpec _spec;
    private readonly IReadOnlyList<string> _args;
    private readonly string _folder;
    private readonly ArgumentRoles _roles;
    private readonly List<WatermarkProfile> _profiles;
    private readonly List<InputCopy> _inputs;
    private readonly byte[]? _stdin;
    private readonly Dictionary<string, int> _documentsPerInput = new(StringComparer.Ordinal);
    private readonly List<byte[]> _documents = [];
    private byte[]? _corpus;

    private EvidenceRecorder(EvidenceCommandSpec spec, IReadOnlyList<string> args, string folder, ArgumentRoles roles, List<WatermarkProfile> profiles, List<InputCopy> inputs, byte[]? stdin)
    {
        (_spec, _args, _folder, _roles, _profiles, _inputs, _stdin) = (spec, args, folder, roles, profiles, inputs, stdin);
    }

    /// <summary>Gets the standard input the command is to read: the copy, when the command reads it.</summary>
    public TextReader? Stdin => _stdin is null ? null : new StringReader(Encoding.UTF8.GetString(_stdin));

    /// <summary>
    /// Starts a bundle when the arguments ask for one (else returns <see langword="null"/>): refuses a non-empty
    /// folder first, then reads the profiles' public parts and every input.
    /// </summary>
    /// <param name="spec">The command.</param>
    /// <param name="args">The command's arguments, as given.</param>
    /// <param name="valueOptions">The command's options that take a value.</param>
    /// <param name="stdin">The standard input, read whole when the command reads it.</param>
    public static EvidenceRecorder? Begin(EvidenceCommandSpec spec, IReadOnlyList<string> args, IReadOnlySet<string> valueOptions, TextReader stdin)
    {
        ArgumentRoles roles = spec.Scan(args, valueOptions);
        if (roles.Evidence is not { } evidence)
        {
            return null;
        }

        EvidenceBundle.RequireNewOrEmpty(evidence.Value);
        List<WatermarkProfile> profiles = [.. roles.Keys.Select(k => WatermarkProfile.Load(k.Value))];
        var inputs = new List<InputCopy>(roles.Inputs.Count);
        byte[]? stdinCopy = roles.ReadsStdin ? Encoding.UTF8.GetBytes(stdin.ReadToEnd()) : null;
        foreach (ArgumentSlot slot in roles.Inputs)
        {
            byte[] bytes = slot.Value == "-" ? stdinCopy! : File.Exists(slot.Value)
                ? File.ReadAllBytes(slot.Value)
                : throw new FileNotFoundException($"Input '{slot.Value}' does not exist.");
            inputs.Add(new InputCopy(slot, EvidenceBundle.InputPath(inputs.Count + 1, slot.Value), bytes));
        }

        if (roles.ReadsStdin && !inputs.Exists(i => i.Slot.Value == "-"))
        {
            // The default input of detect and trace: standard input with no argument naming it.
            inputs.Add(new InputCopy(new ArgumentSlot(-1, null, "-", Inline: false), EvidenceBundle.InputPath(inputs.Count + 1, "-"), stdinCopy!));
        }

        return new EvidenceRecorder(spec, args, evidence.Value, roles, profiles, inputs, stdinCopy);
    }

    /// <summary>Records one document's result: the command's JSON object for it, read from <paramref name="input"/>.</summary>
    public void Document(string input, JsonElement id, string resultJson)
    {
        InputCopy? copy = _inputs.Find(i => i.Slot.Value == input);
        int index = _documentsPerInput.GetValueOrDefault(input);
        _documentsPerInput[input] = index + 1;
        _documents.Add(EvidenceBundle.WriteValue(w =>
        {
            w.WriteStartObject();
            w.WriteString("input", copy?.BundlePath ?? input);
            if (copy is not null && copy.Slot.Value != "-" && input.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                IReadOnlyList<int> lines = copy.DocumentLines;
                w.WriteNumber("line", lines.Count == 0 ? 0 : lines[index % lines.Count]);
            }
            else
            {
                w.WriteNull("line");
            }

            w.WritePropertyName("id");
            EvidenceJson.CopyWithBits(id, w, Rename, "id");
            w.WritePropertyName("result");
            using (JsonDocument result = JsonDocument.Parse(resultJson))
            {
                EvidenceJson.CopyWithBits(result.RootElement, w, Rename);
            }

            w.WriteEndObject();
        }));
    }

    /// <summary>Records detect's result for one document (and profile).</summary>
    public void Document(string input, DetectOutput output) => Document(input, output.Id, JsonSerializer.Serialize(output, EvidenceJsonContext.Default.DetectOutput));

    /// <summary>Records detect's search over several profiles for one document.</summary>
    public void Document(string input, DetectSearchOutput output) => Document(input, output.Id, JsonSerializer.Serialize(output, EvidenceJsonContext.Default.DetectSearchOutput));

    /// <summary>Records a document detect could not test.</summary>
    public void Document(string input, DetectErrorOutput output) => Document(input, output.Id, JsonSerializer.Serialize(output, EvidenceJsonContext.Default.DetectErrorOutput));

    /// <summary>Records the corpus-level result (a pooled trace, a radioactivity test): the command's JSON object.</summary>
    public void Corpus(string resultJson) => _corpus = EvidenceBundle.WriteValue(w =>
    {
        using JsonDocument result = JsonDocument.Parse(resultJson);
        EvidenceJson.CopyWithBits(result.RootElement, w, Rename);
    });

    /// <summary>Writes the bundle and returns the command's exit code.</summary>
    /// <exception cref="InvalidDataException">An input changed while the command read it.</exception>
    public int Complete(int exitCode)
    {
        foreach (InputCopy input in _inputs.Where(i => i.Slot.Value != "-"))
        {
            if (!File.ReadAllBytes(input.Slot.Value).AsSpan().SequenceEqual(input.Bytes))
            {
                throw new InvalidDataException($"Input '{input.Slot.Value}' changed while it was read; no evidence bundle was written.");
            }
        }

        byte[] results = EvidenceBundle.WriteJson(w =>
        {
            w.WriteString("format", EvidenceBundle.ResultsFormatName);
            w.WriteNumber("formatVersion", EvidenceBundle.FormatVersion);
            w.WriteString("command", _spec.Command);
            w.WriteNumber("exitCode", exitCode);
            w.WriteStartArray("documents");
            foreach (byte[] document in _documents)
            {
                using JsonDocument parsed = JsonDocument.Parse(document);
                parsed.RootElement.WriteTo(w);
            }

            w.WriteEndArray();
            w.WritePropertyName("corpus");
            if (_corpus is null)
            {
                w.WriteNullValue();
            }
            else
            {
                using JsonDocument parsed = JsonDocument.Parse(_corpus);
                parsed.RootElement.WriteTo(w);
            }
        });

        EvidenceBundle.RequireNewOrEmpty(_folder);
        var files = new List<(string Path, byte[] Bytes)> { (EvidenceBundle.Results, results) };
        files.AddRange(_inputs.Select(i => (i.BundlePath, i.Bytes)));
        foreach (var (path, bytes) in files)
        {
            string file = Path.Combine(_folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, bytes);
        }

        byte[] manifest = Manifest(files);
        File.WriteAllBytes(Path.Combine(_folder, EvidenceBundle.Manifest), manifest);
        File.WriteAllBytes(Path.Combine(_folder, EvidenceBundle.Seal), EvidenceBundle.SealOf(manifest, _profiles[0].Key));
        return exitCode;
    }

    private byte[] Manifest(List<(string Path, byte[] Bytes)> files) => EvidenceBundle.WriteJson(w =>
    {
        w.WriteString("format", EvidenceBundle.FormatName);
        w.WriteNumber("formatVersion", EvidenceBundle.FormatVersion);
        w.WriteString("tool", "distill");
        w.WriteString("toolVersion", CliApp.ToolVersion);
        w.WriteString("createdUtc", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        w.WriteString("command", _spec.Command);
        w.WriteStartArray("arguments");
        foreach (string arg in _args)
        {
            w.WriteStringValue(arg);
        }

        w.WriteEndArray();
        w.WriteString("evidence", _roles.Evidence!.Value);
        w.WriteNumber("evidenceArgumentIndex", _roles.Evidence.Index);
        w.WriteStartArray("profiles");
        for (int i = 0; i < _profiles.Count; i++)
        {
            SchemeDescriptor descriptor = _profiles[i].Descriptor;
            w.WriteStartObject();
            w.WriteNumber("argumentIndex", _roles.Keys[i].Index);
            w.WriteString("path", _roles.Keys[i].Value);
            w.WriteString("keyId", descriptor.KeyId);
            w.WriteString("descriptorHash", descriptor.Hash);
            w.WritePropertyName("descriptor");
            JsonSerializer.SerializeToElement(descriptor, DistillJsonContext.Default.SchemeDescriptor).WriteTo(w);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("inputs");
        foreach (InputCopy input in _inputs)
        {
            w.WriteStartObject();
            w.WriteNumber("argumentIndex", input.Slot.Index);
            w.WriteString("option", input.Slot.Option);
            w.WriteString("source", input.Slot.Value);
            w.WriteString("file", input.BundlePath);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("files");
        foreach (var (path, bytes) in files)
        {
            w.WriteStartObject();
            w.WriteString("path", path);
            w.WriteString("sha256", EvidenceBundle.Sha256(bytes));
            w.WriteNumber("bytes", bytes.Length);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    // Paths differ between the run and its verification (the verifier reads the copies and its own key file):
    // a document named by its input's path is named by the copy, a profile by its place in the manifest.
    private string Rename(string property, string value)
    {
        if (property == "id" && value != "-" && _inputs.Find(i => i.Slot.Value == value) is { } input)
        {
            return input.BundlePath;
        }

        int key = property == "profile" ? _roles.Keys.FindIndex(k => k.Value == value) : -1;
        return key >= 0 ? $"#profile{key.ToString(CultureInfo.InvariantCulture)}" : value;
    }

    /// <summary>An input's bytes as read, and where the bundle keeps them.</summary>
    private sealed class InputCopy(ArgumentSlot slot, string bundlePath, byte[] bytes)
    {
        private List<int>? _lines;

        public ArgumentSlot Slot { get; } = slot;

        public string BundlePath { get; } = bundlePath;

        public byte[] Bytes { get; } = bytes;

        /// <summary>Gets the numbers of the lines that hold a document (the non-blank ones), as the .jsonl reader counts them.</summary>
        public IReadOnlyList<int> DocumentLines => _lines ??= ReadLines();

        private List<int> ReadLines()
        {
            var lines = new List<int>();
            using var reader = new StreamReader(new MemoryStream(Bytes));
            int number = 0;
            while (reader.ReadLine() is { } line)
            {
                number++;
                if (!string.IsNullOrWhiteSpace(line))
                {
                    lines.Add(number);
                }
            }

            return lines;
        }
    }
}
