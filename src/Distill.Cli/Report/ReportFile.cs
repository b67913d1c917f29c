using System;
using System.IO;
using System.Text;

namespace Distill.Cli.Report;

/// <summary>Where <c>--report FILE</c> writes: checked before any work, written whole at the end.</summary>
internal sealed class ReportFile
{
    private ReportFile(string path) => Path = path;

    /// <summary>Gets the path given to <c>--report</c>.</summary>
    public string Path { get; }

    /// <summary>
    /// The report file <c>--report</c> names, or <see langword="null"/> without the option; a usage
    /// error, before any work is done, when the path cannot be written.
    /// </summary>
    public static ReportFile? From(Arguments a)
    {
        if (a.Get("report") is not { } path)
        {
            return null;
        }

        if (path.Length == 0 || path == "-")
        {
            throw new UsageException("--report needs a file path (the report is a file, not standard output).");
        }

        if (Directory.Exists(path))
        {
            throw new UsageException($"--report '{path}' is a directory; name a file such as report.html.");
        }

        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"--report '{path}': the directory '{directory}' does not exist.");
        }

        // Probe with a file of our own, so that an existing report is left as it is until the new one is complete.
        string probe = System.IO.Path.Combine(directory, $".distill-report-{Guid.NewGuid():N}.tmp");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            if (File.Exists(path) && new FileInfo(path).IsReadOnly)
            {
                throw new UsageException($"--report '{path}' is read-only.");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--report '{path}' cannot be written: {CliApp.OneLine(ex.Message)}");
        }

        return new ReportFile(path);
    }

    /// <summary>Writes the report (UTF-8, no byte order mark) through a temporary file beside it, so a reader never sees half a report.</summary>
    public void Write(string html)
    {
        string full = System.IO.Path.GetFullPath(Path);
        string temporary = full + $".{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temporary, html, new UTF8Encoding(false));
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
