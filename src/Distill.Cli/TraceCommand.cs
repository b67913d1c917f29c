using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Distill.Cli.Evidence;
using Distill.Cli.Report;
using Distill.Detection;
using Distill.Fingerprinting;

namespace Distill.Cli;

/// <summary>
/// <c>distill trace</c>: which tenant's fingerprint a text carries (per document), or which tenants
/// contributed to a pooled corpus (<c>--pooled</c>), under a <c>kgw-fingerprint</c> profile.
/// </summary>
internal static class TraceCommand
{
    private static readonly HashSet<string> s_values = ["key", "tenants", "alpha", "false-accusation", "max-reported", "evidence", "report"];
    private static readonly HashSet<string> s_flags = ["json", "pooled"];

    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags);
        ReportFile? reportFile = ReportFile.From(a);
        string keyPath = a.Require("key");
        bool pooled = a.Has("pooled");
        bool json = a.Has("json");
        if (pooled && !a.Has("tenants"))
        {
            throw new UsageException("--pooled needs --tenants REGISTRY: a pooled corpus is traced against the registered tenants.");
        }

        string[] notApplicable = pooled ? ["alpha"] : ["false-accusation", "max-reported"];
        foreach (string name in notApplicable)
        {
            if (a.Has(name))
            {
                throw new UsageException(pooled ? $"--{name} does not apply to --pooled (its bound is --false-accusation)." : $"--{name} applies only with --pooled.");
            }
        }

        TraceOptions traceOptions;
        PooledTraceOptions pooledOptions;
        try
        {
            traceOptions = TraceOptions.Default with { Alpha = a.GetDouble("alpha", TraceOptions.Default.Alpha) };
            pooledOptions = PooledTraceOptions.Default with
            {
                FalseAccusation = a.GetDouble("false-accusation", PooledTraceOptions.Default.FalseAccusation),
                MaxReported = a.GetInt("max-reported", PooledTraceOptions.Default.MaxReported),
            };
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(CliApp.OneLine(ex.Message));
        }

        List<string> inputs = a.Positionals.Count == 0 ? ["-"] : a.Positionals;
        EvidenceRecorder? evidence = EvidenceRecorder.Begin(EvidenceCommandSpec.Trace, args, s_values, stdin);
        stdin = evidence?.Stdin ?? stdin;
        ProfileContext context = ProfileContext.Load(keyPath);
        if (context.Scheme is not FingerprintScheme scheme)
        {
            throw new UsageException($"trace needs a {FingerprintScheme.SchemeName} profile, but '{keyPath}' is a {context.Scheme.Descriptor.Scheme} profile.");
        }

        TenantRegistry? registry = a.Get("tenants") is { } registryPath ? LoadRegistry(registryPath) : null;
        var trace = new Tracer(scheme, registry, json, stdout, stderr, evidence);
        EvidenceReport? report = reportFile is null ? null : CommandReports.Create("trace", args, scheme.Descriptor, CommandReports.Role("profile", [keyPath]), CommandReports.Role("tenant registry", [a.Get("tenants")]), CommandReports.Role("input", inputs));
        FingerprintEvidence? corpus = pooled ? scheme.CreateEvidence() : null;
        int documents = 0;
        foreach (string input in inputs)
        {
            foreach (var (id, text) in InputReader.ReadDocuments(input, stdin))
            {
                int[] tokens = string.IsNullOrWhiteSpace(text) ? [] : context.Tokenizer.EncodeToIds(text);
                if (tokens.Length == 0)
                {
                    trace.Fail(input, id, "The text is empty: there is nothing to trace.");
                    report?.AddFailure(new InputDocument(id, text, null).Name, "The text is empty: there is nothing to trace.");
                    continue;
                }

                documents++;
                if (corpus is not null)
                {
                    corpus.Add(tokens);
                }
                else
                {
                    TraceResult traced = scheme.Trace(tokens, registry, traceOptions);
                    trace.Document(input, id, traced, traceOptions.Alpha);
                    if (report is not null)
                    {
                        CommandReports.AddTrace(report, id, scheme, () => context.Tokenizer.Encode(text), traced, trace.TenantName, traceOptions.Alpha);
                    }

                }
            }
        }

        if (corpus is not null)
        {
            if (documents == 0)
            {
                throw new InvalidDataException("The inputs hold no text: there is no corpus to trace.");
            }

            PooledTraceResult pooledResult = scheme.TracePooled(corpus, registry!, pooledOptions);
            trace.Pooled(pooledResult, corpus, documents);
            if (report is not null)
            {
                CommandReports.Pooled(report, pooledResult, corpus, documents, trace.TenantName);
            }
        }

        reportFile?.Write(report!.Render());
        int code = trace.Failures == 0 ? CliApp.Success : CliApp.Failure;
        return evidence?.Complete(code) ?? code;
    }

    private static TenantRegistry LoadRegistry(string path) => File.Exists(path)
        ? TenantRegistry.Load(path)
        : throw new FileNotFoundException($"Tenant registry '{path}' does not exist.");

    /// <summary>Writes results in the chosen format and counts the documents that could not be traced.</summary>
    private sealed class Tracer(FingerprintScheme scheme, TenantRegistry? registry, bool json, TextWriter stdout, TextWriter stderr, EvidenceRecorder? evidence)
    {
        public int Failures { get; private set; }

        public void Fail(string input, JsonElement id, string message)
        {
            Failures++;
            if (json || evidence is not null)
            {
                string line = Json(w =>
                {
                    w.WritePropertyName("id");
                    id.WriteTo(w);
                    w.WriteString("error", message);
                });
                Emit(line);
                evidence?.Document(input, id, line);
            }

            stderr.WriteLine($"distill: {NameOf(id)}: {message}");
        }

        public void Document(string input, JsonElement id, TraceResult r, double alpha)
        {
            if (json || evidence is not null)
            {
                string line = Json(w =>
                {
                    w.WritePropertyName("id");
                    id.WriteTo(w);
                    WriteHeader(w);
                    WriteTenant(w, "tenant", r.Tenant);
                    WriteTenant(w, "bestCandidate", r.BestCandidate);
                    w.WriteBoolean("significant", r.IsSignificant);
                    w.WriteNumber("pValue", r.PValue);
                    w.WriteNumber("log10PValue", r.Log10PValue);
                    w.WriteNumber("log10PValueUncorrected", r.Log10PValueUncorrected);
                    w.WriteNumber("alpha", alpha);
                    w.WriteNumber("tenantsSearched", r.TenantsSearched);
                    w.WriteNumber("candidatesChecked", r.CandidatesChecked);
                    w.WriteNumber("tokens", r.ZeroBit.TokenCount);
                    w.WriteNumber("scoredTokens", r.ScoredTokens);
                    w.WriteNumber("greenTokens", r.GreenTokens);
                    WriteZeroBit(w, r.ZeroBit);
                });
                evidence?.Document(input, id, line);
                if (Emit(line))
                {
                    return;
                }
            }

            string verdict = r.Tenant is { } tenant
                ? $"TENANT {TenantName(tenant)}: consistent with this tenant's fingerprint under key {r.ZeroBit.KeyId}"
                : r.BestCandidate is { } best
                    ? $"no confident tenant (best candidate {TenantName(best)} is not significant)"
                    : "no confident tenant (no candidate found)";
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                {NameOf(id)}: {verdict}
                  p = {DetectCommand.FormatP(r.Log10PValue)} corrected for {Searched(r.TenantsSearched)} (uncorrected {DetectCommand.FormatP(r.Log10PValueUncorrected)}, alpha {alpha:G3}); {r.CandidatesChecked} candidates checked
                  {r.GreenTokens} of {r.ScoredTokens} scored tokens green; zero-bit watermark p = {DetectCommand.FormatP(r.ZeroBit.Log10PValue)}; {r.ZeroBit.TokenCount} tokens
                """));
        }

        public void Pooled(PooledTraceResult r, FingerprintEvidence corpus, int documents)
        {
            if (json || evidence is not null)
            {
                string line = Json(w =>
                {
                    WriteHeader(w);
                    w.WriteNumber("documents", documents);
                    w.WriteNumber("tokens", corpus.Tokens);
                    w.WriteNumber("scoredTokens", r.ScoredTokens);
                    w.WriteNumber("greenTokens", corpus.Green);
                    w.WriteNumber("tenants", r.Tenants);
                    w.WriteNumber("positionsUsed", r.PositionsUsed);
                    w.WriteNumber("falseAccusationBound", r.FalseAccusationBound);
                    WriteZeroBit(w, corpus.ZeroBit);
                    WriteAccusations(w, "accused", r.Accused);
                    WriteAccusations(w, "ranked", r.Ranked);
                });
                evidence?.Corpus(line);
                if (Emit(line))
                {
                    return;
                }
            }

            var s = new StringBuilder();
            s.Append(CultureInfo.InvariantCulture, $"Pooled corpus: {documents} documents, {corpus.Tokens} tokens ({r.ScoredTokens} scored, {corpus.Green} green), zero-bit watermark p = {DetectCommand.FormatP(corpus.ZeroBit.Log10PValue)}; {r.Tenants} registered tenants, {r.PositionsUsed} Tardos positions used").AppendLine();
            s.Append(CultureInfo.InvariantCulture, $"Accused (probability of accusing any innocent tenant at most {r.FalseAccusationBound:G3}): ");
            IEnumerable<string> accused = r.Accused.Count == 0 ? ["none"] : r.Accused.Select(x => TenantName(x.Tenant));
            s.AppendJoin(", ", accused).AppendLine();
            int rank = 0;
            foreach (Accusation x in r.Ranked)
            {
                s.Append(CultureInfo.InvariantCulture, $"  {++rank,3}. {TenantName(x.Tenant)}  score {x.Score:F2}  p = {DetectCommand.FormatP(x.Log10PValue)}{(x.Accused ? "  ACCUSED" : "")}").AppendLine();
            }

            stdout.Write(s.ToString());
        }

        /// <summary>Prints a JSON line when JSON was asked for; returns whether it did.</summary>
        private bool Emit(string line)
        {
            if (json)
            {
                stdout.WriteLine(line);
            }

            return json;
        }

        // Without a registry the tracer corrects for the whole code space, 2^64 numbers.
        private static string Searched(double tenants) => tenants >= 9.2e18
            ? "all 2^64 tenant numbers"
            : string.Create(CultureInfo.InvariantCulture, $"{tenants:N0} registered tenants");

        private static string NameOf(JsonElement id) => id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();

        public string TenantName(TenantId tenant) => registry is not null && registry.Contains(tenant) ? registry.NameOf(tenant) : tenant.ToString();

        private void WriteHeader(Utf8JsonWriter w)
        {
            w.WriteString("keyId", scheme.Descriptor.KeyId);
            w.WriteString("scheme", scheme.Descriptor.Scheme);
        }

        // The name (from the registry) or the decimal number, and the number as a string: JSON readers lose 64-bit integers.
        private void WriteTenant(Utf8JsonWriter w, string property, TenantId? tenant)
        {
            if (tenant is { } t)
            {
                w.WriteString(property, TenantName(t));
                w.WriteString(property + "Id", t.ToString());
            }
            else
            {
                w.WriteNull(property);
                w.WriteNull(property + "Id");
            }
        }

        private static void WriteZeroBit(Utf8JsonWriter w, DetectionResult zeroBit)
        {
            w.WriteNumber("zeroBitPValue", zeroBit.PValue);
            w.WriteNumber("zeroBitLog10PValue", zeroBit.Log10PValue);
        }

        private void WriteAccusations(Utf8JsonWriter w, string property, IReadOnlyList<Accusation> accusations)
        {
            w.WriteStartArray(property);
            foreach (Accusation x in accusations)
            {
                w.WriteStartObject();
                WriteTenant(w, "tenant", x.Tenant);
                w.WriteNumber("score", x.Score);
                w.WriteNumber("pValue", x.PValue);
                w.WriteNumber("log10PValue", x.Log10PValue);
                w.WriteBoolean("accused", x.Accused);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        private static string Json(Action<Utf8JsonWriter> write)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                write(w);
                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }
}
