using System.Collections.Generic;
using Xunit.Sdk;

namespace Distill.Tests;

/// <summary>DISTILL_WRITE_GOLDEN rewrites golden files on a developer's machine only; in CI it fails the golden tests.</summary>
public sealed class GoldenWriteGuardTests
{
    [Theory]
    [InlineData("CI", "true")]
    [InlineData("CI", "True")]
    [InlineData("GITHUB_ACTIONS", "true")]
    [InlineData("TF_BUILD", "True")]
    public void Writing_golden_files_in_CI_fails(string variable, string value)
    {
        var environment = new Dictionary<string, string> { ["DISTILL_WRITE_GOLDEN"] = "1", [variable] = value };
        var ex = Assert.Throws<FailException>(() => TestData.WritesGolden("x.json", name => environment.GetValueOrDefault(name)));
        Assert.Contains("never rewritten in CI", ex.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Golden_files_are_read_unless_asked_and_written_locally_when_asked()
    {
        Assert.False(TestData.WritesGolden("x.json", _ => null));
        Assert.False(TestData.WritesGolden("x.json", name => name == "CI" ? "true" : null));
        Assert.True(TestData.WritesGolden("x.json", name => name == "DISTILL_WRITE_GOLDEN" ? "1" : name == "CI" ? "false" : null));
    }
}
