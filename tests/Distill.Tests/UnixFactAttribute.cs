using System;

namespace Distill.Tests;

/// <summary>A fact about Unix file modes: skipped, with that reason, on Windows.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class UnixFactAttribute : FactAttribute
{
    /// <summary>Initializes a new instance of the <see cref="UnixFactAttribute"/> class.</summary>
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file modes do not exist on Windows.";
        }
    }
}
