using System;
using System.Collections.Generic;
using System.Linq;

namespace Distill.Evaluation.Fingerprinting;

/// <summary>
/// The sizes and seed of a fingerprinting experiment (see <see cref="FingerprintExperiment"/>).
/// Validated when each property is set; immutable.
/// </summary>
public sealed record FingerprintExperimentOptions
{
    /// <summary>The standard token counts of the tracing table: 50, 100, 150, 200, 300, 500, 750 and 1,000.</summary>
    public static readonly IReadOnlyList<int> StandardTokenCounts = [50, 100, 150, 200, 300, 500, 750, 1000];

    /// <summary>The standard registry sizes: 10^3 and 10^6 tenants.</summary>
    public static readonly IReadOnlyList<int> StandardRegistrySizes = [1_000, 1_000_000];

    /// <summary>The standard colluder counts of the pooled experiment: 2, 4 and 8.</summary>
    public static readonly IReadOnlyList<int> StandardColluders = [2, 4, 8];

    /// <summary>The most tenants a registry of the experiment may hold.</summary>
    public const int MaxRegistrySize = 10_000_000;

    private readonly IReadOnlyList<int> _tokenCounts = StandardTokenCounts;
    private readonly IReadOnlyList<int> _registrySizes = StandardRegistrySizes;
    private readonly IReadOnlyList<int> _colluders = StandardColluders;
    private readonly int _tracingDocuments = 200;
    private readonly int _humanDocuments = 2_000;
    private readonly int _watermarkedDocuments = 2_000;
    private readonly int _humanTokens = 300;
    private readonly int _watermarkedTokens = 300;
    private readonly int _pooledRuns = 5;
    private readonly int _pooledRegistrySize = 1_000_000;
    private readonly int _pooledDocumentTokens = 200;
    private readonly int _maxPooledTokens = 409_600;
    private readonly double _falseAccusation = 1e-6;
    private readonly int _maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>
    /// Gets the token counts at which single-tenant tracing is read (prefixes of one generation per
    /// document), strictly increasing, each from 1 to 100,000; default <see cref="StandardTokenCounts"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, not strictly increasing, or holds a value outside [1, 100,000].</exception>
    public IReadOnlyList<int> TokenCounts
    {
        get => _tokenCounts;
        init => _tokenCounts = Increasing(value, 1, 100_000, nameof(TokenCounts));
    }

    /// <summary>
    /// Gets the registry sizes, strictly increasing, each from 1 to <see cref="MaxRegistrySize"/>;
    /// default <see cref="StandardRegistrySizes"/>. The registry of size n holds <c>tenant-0</c> to
    /// <c>tenant-(n-1)</c>; the generating tenants are drawn from the smallest, so every registry holds them.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, not strictly increasing, or holds a value outside [1, <see cref="MaxRegistrySize"/>].</exception>
    public IReadOnlyList<int> RegistrySizes
    {
        get => _registrySizes;
        init => _registrySizes = Increasing(value, 1, MaxRegistrySize, nameof(RegistrySizes));
    }

    /// <summary>Gets the number of generations (one tenant each) behind every cell of the tracing table; default 200.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 1,000,000.</exception>
    public int TracingDocuments
    {
        get => _tracingDocuments;
        init => _tracingDocuments = InRange(value, 1, 1_000_000, nameof(TracingDocuments));
    }

    /// <summary>Gets the number of human Brown passages traced for false attribution; default 2,000.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 100,000 (the corpus holds fewer passages than that: all of them are used).</exception>
    public int HumanDocuments
    {
        get => _humanDocuments;
        init => _humanDocuments = InRange(value, 1, 100_000, nameof(HumanDocuments));
    }

    /// <summary>Gets the number of texts watermarked for one tenant A each and traced for false attribution; default 2,000.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above 1,000,000.</exception>
    public int WatermarkedDocuments
    {
        get => _watermarkedDocuments;
        init => _watermarkedDocuments = InRange(value, 0, 1_000_000, nameof(WatermarkedDocuments));
    }

    /// <summary>Gets the length of the human false-attribution passages; default 300 tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 100,000.</exception>
    public int HumanTokens
    {
        get => _humanTokens;
        init => _humanTokens = InRange(value, 1, 100_000, nameof(HumanTokens));
    }

    /// <summary>Gets the length of the watermarked false-attribution texts; default 300 tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 100,000.</exception>
    public int WatermarkedTokens
    {
        get => _watermarkedTokens;
        init => _watermarkedTokens = InRange(value, 1, 100_000, nameof(WatermarkedTokens));
    }

    /// <summary>Gets the colluder counts of the pooled experiment, strictly increasing, each from 1 to 64; default <see cref="StandardColluders"/>.</summary>
    /// <exception cref="ArgumentException">The list is empty, not strictly increasing, or holds a value outside [1, 64].</exception>
    public IReadOnlyList<int> Colluders
    {
        get => _colluders;
        init => _colluders = Increasing(value, 1, 64, nameof(Colluders));
    }

    /// <summary>Gets the number of independent pooled runs (colluders, prompts and sampling seeds of their own) per colluder count; 0 skips the pooled experiment; default 5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above 10,000.</exception>
    public int PooledRuns
    {
        get => _pooledRuns;
        init => _pooledRuns = InRange(value, 0, 10_000, nameof(PooledRuns));
    }

    /// <summary>Gets the size of the pooled experiment's registry (<c>tenant-0</c> onwards; the colluders are drawn from it); default 10^6.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 64 or above <see cref="MaxRegistrySize"/>.</exception>
    public int PooledRegistrySize
    {
        get => _pooledRegistrySize;
        init => _pooledRegistrySize = InRange(value, 64, MaxRegistrySize, nameof(PooledRegistrySize));
    }

    /// <summary>Gets the length of each document of a pooled corpus; default 200 tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 10 or above 100,000.</exception>
    public int PooledDocumentTokens
    {
        get => _pooledDocumentTokens;
        init => _pooledDocumentTokens = InRange(value, 10, 100_000, nameof(PooledDocumentTokens));
    }

    /// <summary>
    /// Gets the largest pooled corpus: a run doubles its corpus (one document per colluder, then 2,
    /// 4, ...) until every colluder is accused or one more doubling would pass this many tokens;
    /// default 409,600.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 10 or above 100,000,000.</exception>
    public int MaxPooledTokens
    {
        get => _maxPooledTokens;
        init => _maxPooledTokens = InRange(value, 10, 100_000_000, nameof(MaxPooledTokens));
    }

    /// <summary>Gets the bound on accusing any innocent tenant of the pooled registry (<c>PooledTraceOptions.FalseAccusation</c>); default 1e-6.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, 1).</exception>
    public double FalseAccusation
    {
        get => _falseAccusation;
        init => _falseAccusation = value > 0 && value < 1 ? value : throw new ArgumentOutOfRangeException(nameof(FalseAccusation), value, "FalseAccusation must be in (0, 1).");
    }

    /// <summary>Gets the seed of every random choice: the key, tenants, prompts and sampling; default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Gets the number of threads; default the processor count. The results do not depend on it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        init => _maxDegreeOfParallelism = InRange(value, 1, int.MaxValue, nameof(MaxDegreeOfParallelism));
    }

    private static int InRange(int value, int min, int max, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, min, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, max, name);
        return value;
    }

    private static int[] Increasing(IReadOnlyList<int> value, int min, int max, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        int[] values = [.. value];
        bool increasing = values.Zip(values.Skip(1), (a, b) => a < b).All(x => x);
        if (values.Length == 0 || !increasing || values.Any(v => v < min || v > max))
        {
            throw new ArgumentException($"{name}: give at least one value, strictly increasing, each from {min} to {max}.", name);
        }

        return values;
    }
}
