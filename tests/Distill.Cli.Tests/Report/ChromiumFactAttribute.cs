using System;

namespace Distill.Cli.Tests.Report;

/// <summary>A fact that renders in headless Chromium: skipped, with that reason, where no <c>chromium</c> is on PATH.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Initializes the attribute.</summary>
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Find() is null)
        {
            Skip = "Chromium is not installed: no 'chromium' or 'chromium-browser' on PATH (apt-get install chromium; .ci/run installs it).";
        }
    }
}
