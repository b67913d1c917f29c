using System;

namespace Distill.Tests;

/// <summary>A fact that needs Linux's file semantics (a reader keeps an open file while it is replaced): skipped, with that reason, elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LinuxFactAttribute : FactAttribute
{
    /// <summary>Initializes a new instance of the <see cref="LinuxFactAttribute"/> class.</summary>
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "It opens the file without locking, as another Linux user could; other systems differ.";
        }
    }
}
