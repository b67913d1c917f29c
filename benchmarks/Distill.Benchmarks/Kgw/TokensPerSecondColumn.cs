using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Distill.Benchmarks.Kgw;

/// <summary>A column with the throughput of a benchmark that processes a fixed number of tokens per call: tokens / Mean.</summary>
internal sealed class TokensPerSecondColumn(int tokensPerCall) : IColumn
{
    public string Id => nameof(TokensPerSecondColumn);

    public string ColumnName => "Tokens/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"Token ids processed per second ({tokensPerCall.ToString("N0", CultureInfo.InvariantCulture)} per call / Mean), in millions (M)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        // Mean is in nanoseconds per call.
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNanoseconds is not > 0)
        {
            return "NA";
        }

        double millionsPerSecond = tokensPerCall / meanNanoseconds.Value * 1e3;
        return millionsPerSecond.ToString("N1", CultureInfo.InvariantCulture) + " M";
    }

    public override string ToString() => ColumnName;
}
