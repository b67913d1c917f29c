using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Distill.Evaluation;
using Distill.Fingerprinting;

namespace Distill.Cli;

internal static class GenerateCommand
{
    private static readonly HashSet<string> s_values = ["key", "prompt", "prompts", "max-tokens", "temperature", "top-p", "top-k", "seed", "tenant"];
    private static readonly HashSet<string> s_flags = ["no-watermark", "json"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags);
        if (a.Positionals.Count > 0)
        {
            throw new UsageException($"generate takes no positional arguments ('{a.Positionals[0]}').");
        }

        string keyPath = a.Require("key");
        if (a.Has("prompt") == a.Has("prompts"))
        {
            throw new UsageException("Give exactly one of --prompt TEXT and --prompts FILE.");
        }

        if (a.Has("tenant") && a.Has("no-watermark"))
        {
            throw new UsageException("--tenant and --no-watermark exclude each other: a tenant's fingerprint rides on the watermark.");
        }

        int maxTokens = a.GetInt("max-tokens", 200);
        if (maxTokens is < 1 or > 100_000)
        {
            throw new UsageException("--max-tokens must be between 1 and 100000.");
        }

        SamplingOptions sampling;
        try
        {
            sampling = new SamplingOptions
            {
                Temperature = a.GetDouble("temperature", 1.0),
                TopP = a.GetDouble("top-p", 1.0),
                TopK = a.GetInt("top-k", 0),
                Seed = unchecked((ulong)a.GetLong("seed", 0)),
            };
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(CliApp.OneLine(ex.Message));
        }

        List<string> prompts = a.Get("prompt") is { } single
            ? [single]
            : ReadPrompts(a.Require("prompts"));
        ProfileContext context = ProfileContext.Load(keyPath, detection: false);
        if (context.Tokenizer.Name != BuiltInModel.TokenizerName)
        {
            throw new InvalidOperationException($"The built-in model works over {BuiltInModel.TokenizerName}, but the profile names tokenizer {context.Tokenizer.Name}.");
        }

        WatermarkSession? session = a.Has("no-watermark") ? null : CreateSession(context, a.Get("tenant"), keyPath);
        var generator = new TextGenerator(BuiltInModel.Model);
        bool json = a.Has("json");
        for (int i = 0; i < prompts.Count; i++)
        {
            // Each prompt gets its own stream of randomness: seed + line index.
            SamplingOptions options = sampling with { Seed = unchecked(sampling.Seed + (ulong)i) };
            GeneratedText output = generator.GenerateText(context.Tokenizer, prompts[i], maxTokens, options, session);
            if (json)
            {
                stdout.WriteLine(ToJson(i + 1, prompts[i], output.Text));
            }
            else
            {
                if (prompts.Count > 1)
                {
                    stdout.WriteLine($"--- {i + 1}");
                }

                stdout.WriteLine(output.Text);
            }
        }

        return CliApp.Success;
    }

    // With a tenant, the session embeds that tenant's fingerprint; without one, the profile's plain watermark.
    private static WatermarkSession CreateSession(ProfileContext context, string? tenant, string keyPath)
    {
        if (tenant is null)
        {
            return context.Scheme.CreateSession([]);
        }

        if (context.Scheme is not FingerprintScheme fingerprint)
        {
            throw new UsageException($"--tenant needs a {FingerprintScheme.SchemeName} profile, but '{keyPath}' is a {context.Scheme.Descriptor.Scheme} profile (create one with distill keygen --scheme {FingerprintScheme.SchemeName}).");
        }

        TenantId id;
        try
        {
            id = TenantId.Parse(tenant);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"--tenant: {CliApp.OneLine(ex.Message)}");
        }

        return fingerprint.CreateSession(id, []);
    }

    internal static List<string> ReadPrompts(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Prompts file '{path}' does not exist.");
        }

        List<string> prompts = File.ReadAllLines(path).ToList();
        if (prompts.Count == 0 || prompts.All(string.IsNullOrWhiteSpace))
        {
            throw new InvalidDataException($"Prompts file '{path}' is empty.");
        }

        return prompts;
    }

    private static string ToJson(int id, string prompt, string text)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("id", id);
            w.WriteString("prompt", prompt);
            w.WriteString("text", text);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
