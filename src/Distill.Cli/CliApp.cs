using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Distill.Cli.Evidence;

namespace Distill.Cli;

/// <summary>The entry point, separated from <see cref="Program"/> so tests can run commands in process.</summary>
internal static class CliApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    /// <summary>Gets the tool's version (the assembly's informational version), as reports and evidence bundles record it.</summary>
    public static string ToolVersion { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    // The usage text around keygen's part, which the scheme registry generates (KeygenCommand.Usage).
    private const string UsageHead = """
        Usage: distill <command> [options]

        Commands:
        """;

    private const string UsageCommands = """
          generate  --key FILE (--prompt TEXT | --prompts FILE) [--max-tokens N] [--temperature T]
                    [--top-p P] [--top-k K] [--seed N] [--tenant ID] [--no-watermark] [--json]
                    Continue prompts with the built-in language model, watermarked with the profile.
                    --tenant (kgw-fingerprint profiles) embeds tenant ID's fingerprint: ID is a
                    number (decimal or 0x hex) or a name.
          detect    --key FILE [--key FILE ...] [INPUT ...] [--json] [--alpha A] [--no-dedup]
                    [--bos ID] [--eos ID] [--bayesian WEIGHTS.json] [--reference FILE]...
                    [--fold-homoglyphs] [--exp-edit-test permutation|closed] [--report FILE]
                    Test texts for the profile's watermark. INPUT is a text file, - for standard
                    input (the default), or a .jsonl file with one {"id": ..., "text": ...} per line,
                    or {"id": ..., "ids": [token ids]} to score token ids as given (--bos ID strips a
                    leading BOS token; --eos ID sets an hf-synthid profile's EOS token; --bayesian adds
                    transformers' Bayesian detector's posterior from its trained weights). With several
                    --key profiles, every text is tested against each and the best fit is reported
                    with its p-value corrected by Holm-Bonferroni over the profiles searched.
                    The verdict uses alpha (default 1e-6); --no-dedup scores repeated pairs again,
                    which invalidates p-values on repetitive text. --reference FILE supplies each
                    of your own corpora that the profile's reference filter names.
                    --fold-homoglyphs folds Cyrillic, Greek and fullwidth look-alikes of Latin letters
                    before tokenizing (the homoglyph counter-measure). --exp-edit-test closed detects an
                    exp-edit profile by its closed-form Gamma test (no p-value floor) instead of the
                    permutation test (999 fresh keys, floor 1e-3).
                    --report FILE also writes an HTML evidence report (self-contained: per-token
                    heat-map, localized spans, score over position, descriptor, input hashes and the
                    command to reproduce); trace and radioactivity take it too.
                    --evidence DIR (detect, trace, radioactivity): also write an evidence bundle to
                    DIR (new or empty): the inputs as read, the profiles' descriptors (never the
                    secret), every figure (results.json), SHA-256 manifest and a seal.
          verify    DIR --key FILE [--key FILE ...] [--json]
                    Check an evidence bundle: every file against its manifest, the seal (an HMAC
                    only the key's holder can make), then rerun the recorded command over the
                    bundled inputs and compare every figure bit for bit. Exit 0 only when all match.
          calibrate --key FILE INPUT... [--json] [--no-dedup] [--reference FILE]... [--out NEW --force]
                    Measure the profile's false-positive rate on your own unwatermarked text: passages
                    of 32 to 1024 tokens, rates at 1e-2 to 1e-6 with exact 95% intervals, the p-value
                    threshold per length that keeps the rate at or below each (measured where the
                    passages can certify it, marked extrapolated where they cannot), and warnings
                    where the text is too repetitive or too short to measure. INPUT as for detect.
                    --reference FILE adds your own public text to the profile's reference filter
                    for this run; --out NEW writes the profile with that filter (same key).
          trace     --key FILE [--tenants REGISTRY] [INPUT ...] [--json] [--alpha A]
                    [--pooled [--false-accusation E] [--max-reported K]] [--report FILE]
                    Which tenant's fingerprint each text carries, under a kgw-fingerprint profile:
                    the tenant (a name from the registry, or its number) or none, with its p-value
                    corrected for the tenants searched (the registry's, or all 2^64 numbers without
                    one). A tenant is named when p <= alpha (default 1e-3). REGISTRY: one tenant per
                    line (name or number; # comments). INPUT as for detect. --pooled: all inputs as
                    one corpus (a leak mixing several tenants' outputs); ranks the registered tenants
                    by Tardos score and accuses those whose p <= E (default 1e-6, a bound on
                    accusing any innocent tenant); shows the top K (default 20).
          evaluate  [--out DIR] [--seed N] [--generations N] [--max-tokens N] [--human N]
                    [--schemes a,b] [--attacks a,b] [--threads N] [--matrix]
                    TPR against length for each scheme and attack with the built-in model, beside the
                    FPR on held-out human text: markdown tables and SVG plots written to DIR
                    (default ./evaluation). Defaults: 50 generations of 1000 tokens, 2000 human
                    passages per length, seed 1, schemes kgw, kgw-lefthash, unigram, gumbel,
                    synthid (exp-edit only when named: its test is slow beyond 200 tokens).
                    With --entropy-sweep: power, size (tokens to p <= 1e-6) and perplexity under an
                    independent 5-gram model against the sampling entropy, at temperatures 1.0 to
                    0.3 with top-p 0.9 and at temperature 1 untruncated (defaults: 16 generations
                    of 200 tokens; --attacks and --human do not apply).
                    --matrix: the offline attack matrix (synonyms, typos, contractions, lower case,
                    word swap, homoglyphs, zero-width, back-translation) and DIR/matrix.md.
          radioactivity --key FILE --suspect OUTPUTS [--prompts PROMPTS] [--filter OURS] [--json]
                    [--alpha A] [--no-dedup] [--report FILE]
                    Test whether a suspect model learned from text watermarked with the profile (the
                    closed-model test): its outputs scored with corpus-wide deduplication, every
                    context of the prompts sent to it excluded, and with --filter only the contexts of
                    our own watermarked outputs (the supervised setting). OUTPUTS and OURS as for
                    detect; PROMPTS a .jsonl file (the text of each line) or one prompt per line.
          distillation [--out DIR] [--seed N] [--student-tokens N] [--student-order N]
                    [--human-documents N] [--schemes a,b] [--rhos 0,0.01,...] [--calibration-runs N]
                    [--calibration-responses N] [--threads N] [--quick]
                    Radioactivity of n-gram students trained on a watermarked teacher's text: p-value
                    against the watermarked share rho and the student's tokens, closed (unsupervised,
                    supervised) and open, and rho = 0 over many keys; written to DIR (default
                    ./evaluation/distillation). --quick: tiny sizes, kgw-lefthash-2 only.
          fingerprinting [--out DIR] [--seed N] [--tokens 50,100,...] [--registries 1000,1000000]
                    [--documents N] [--human N] [--watermarked N] [--human-tokens N]
                    [--watermarked-tokens N]
                    [--colluders 2,4,8] [--runs N] [--pooled-registry N] [--pooled-document-tokens N]
                    [--max-pooled-tokens N] [--false-accusation P] [--threads N] [--quick]
                    The fingerprint scheme with the built-in model: tracing accuracy against tokens
                    and registry size, false attribution on human and watermarked text, and the
                    tokens a pooled corpus of c colluders needs until one is accused; written to DIR
                    (default ./evaluation/fingerprinting). --quick: tiny sizes.
          probe     --endpoint URL --model NAME --prompts FILE --out LOG [--concurrency N]
                    [--max-attempts N] [--max-tokens N] [--temperature T] [--seed N]
                    [--backoff SECONDS] [--timeout SECONDS] [--api-key-env NAME] [--key FILE [--json]]
                    Send prompts (.jsonl with {"id": ..., "text": ...} per line, or one per line) to
                    an OpenAI-compatible chat endpoint (URL like https://api.example.com/v1) and log
                    each response to LOG (JSON lines). A rerun skips what LOG already answered, so a
                    killed or cancelled probe resumes. The API key is read from the environment
                    variable OPENAI_API_KEY (or NAME). With --key, test the whole log for
                    radioactivity: did the suspect learn from text watermarked with the profile?
                    Defaults: concurrency 4, 5 attempts, 256 tokens, temperature 1, backoff 1 s.
          demo      [--seed N]
                    Generate, detect and localize with the built-in model and a fresh key.

        Options for every command: --verbose (stack traces on errors), --help.
        Exit codes: 0 success, 1 error, 2 usage error.
        """;

    /// <summary>Gets the usage text of every command.</summary>
    public static string Usage => UsageHead + "\n" + KeygenCommand.Usage() + UsageCommands;

    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        bool verbose = args.Contains("--verbose");
        List<string> rest = args.Where(a => a != "--verbose").ToList();
        try
        {
            if (rest.Count == 0 || rest[0] is "--help" or "-h" or "help")
            {
                (rest.Count == 0 ? stderr : stdout).WriteLine(Usage);
                return rest.Count == 0 ? UsageError : Success;
            }

            string command = rest[0];
            List<string> options = rest.Skip(1).ToList();
            if (options.Contains("--help"))
            {
                int scheme = options.IndexOf("--scheme");
                stdout.WriteLine(command == "keygen" && scheme >= 0 && scheme + 1 < options.Count && KeygenCommand.Help(options[scheme + 1]) is { } help ? help : Usage);
                return Success;
            }

            return command switch
            {
                "keygen" => KeygenCommand.Run(options, stdout),
                "generate" => GenerateCommand.Run(options, stdout),
                "detect" => DetectCommand.Run(options, stdin, stdout, stderr),
                "calibrate" => CalibrateCommand.Run(options, stdin, stdout),
                "radioactivity" => RadioactivityCommand.Run(options, stdin, stdout),
                "trace" => TraceCommand.Run(options, stdin, stdout, stderr),
                "evaluate" => EvaluateCommand.Run(options, stdout, stderr),
                "distillation" => DistillationCommand.Run(options, stdout, stderr),
                "fingerprinting" => FingerprintingCommand.Run(options, stdout, stderr),
                "demo" => DemoCommand.Run(options, stdout),
                "probe" => ProbeCommand.Run(options, stdout, stderr),
                "verify" => VerifyCommand.Run(options, stdout),
                _ => throw new UsageException($"Unknown command '{command}'. Commands: keygen, generate, detect, calibrate, radioactivity, trace, verify, probe, evaluate, distillation, fingerprinting, demo."),
            };
        }
        catch (UsageException ex)
        {
            stderr.WriteLine($"distill: {ex.Message} (see distill --help)");
            return UsageError;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
        {
            stderr.WriteLine(verbose ? $"distill: {ex}" : $"distill: {OneLine(ex.Message)}");
            return Failure;
        }
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
