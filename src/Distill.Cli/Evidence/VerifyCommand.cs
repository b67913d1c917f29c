using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Distill.Cli.Evidence;

/// <summary><c>distill verify DIR --key FILE</c>: checks an evidence bundle and recomputes every figure in it.</summary>
internal static class VerifyCommand
{
    private static readonly HashSet<string> s_values = ["key"];
    private static readonly HashSet<string> s_flags = ["json"];
    private static readonly HashSet<string> s_repeatable = ["key"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags, s_repeatable);
        if (a.Positionals.Count != 1)
        {
            throw new UsageException("verify takes one bundle folder: distill verify DIR --key FILE.");
        }

        IReadOnlyList<string> keyPaths = a.GetAll("key");
        if (keyPaths.Count == 0)
        {
            throw new UsageException("--key is required: the recomputation needs the key the bundle names.");
        }

        string folder = a.Positionals[0];
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Evidence bundle '{folder}' does not exist.");
        }

        List<(string, WatermarkProfile)> keys = [.. keyPaths.Select(path => (path, WatermarkProfile.Load(path)))];
        VerificationReport report = EvidenceVerifier.Verify(folder, keys);
        stdout.WriteLine(a.Has("json") ? ToJson(folder, report) : ToHuman(folder, report));
        return report.Verified ? CliApp.Success : CliApp.Failure;
    }

    private static string ToHuman(string folder, VerificationReport report)
    {
        var s = new StringBuilder();
        s.Append(report.Verified ? "VERIFIED: " : "REFUSED: ").Append(folder);
        if (report.Command is not null)
        {
            s.Append(System.Globalization.CultureInfo.InvariantCulture, $" ({report.Command} by distill {report.ToolVersion}, {report.CreatedUtc})");
        }

        s.AppendLine();
        foreach (string check in report.Checks)
        {
            s.Append("  ok: ").AppendLine(check);
        }

        foreach (string problem in report.Problems)
        {
            s.Append("  refused: ").AppendLine(problem);
        }

        return s.ToString().TrimEnd();
    }

    private static string ToJson(string folder, VerificationReport report) => Encoding.UTF8.GetString(EvidenceBundle.WriteValue(
        w =>
        {
            w.WriteStartObject();
            w.WriteString("bundle", folder);
            w.WriteBoolean("verified", report.Verified);
            w.WriteString("command", report.Command);
            w.WriteString("toolVersion", report.ToolVersion);
            w.WriteString("createdUtc", report.CreatedUtc);
            w.WriteNumber("files", report.Files);
            w.WriteNumber("documents", report.Documents);
            Write(w, "keyIds", report.KeyIds);
            Write(w, "checks", report.Checks);
            Write(w, "problems", report.Problems);
            w.WriteEndObject();
        },
        indented: false));

    private static void Write(Utf8JsonWriter w, string name, List<string> items)
    {
        w.WriteStartArray(name);
        foreach (string item in items)
        {
            w.WriteStringValue(item);
        }

        w.WriteEndArray();
    }
}
