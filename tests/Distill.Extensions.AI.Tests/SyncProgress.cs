using System;

namespace Distill.Extensions.AI.Tests;

/// <summary>Reports synchronously, on the reporting thread (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class SyncProgress(Action<ProbeProgress> report) : IProgress<ProbeProgress>
{
    public void Report(ProbeProgress value) => report(value);
}
