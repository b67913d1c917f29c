using System.Globalization;
using System.Text;

namespace Distill.Cli.Report;

/// <summary>Escaping and formatting for the hand-written HTML of the report.</summary>
internal static class Html
{
    /// <summary>Text as HTML text or attribute value: the five markup characters as entities, control characters (invalid in HTML) as U+FFFD.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var s = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            s.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\n' or '\t' or '\r' => c.ToString(),
                _ when char.IsControl(c) => "\uFFFD",
                _ => c.ToString(),
            });
        }

        return s.ToString();
    }

    /// <summary>A number for attributes and tables: invariant culture, round-trippable.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A number for people: a few significant digits.</summary>
    public static string Short(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>An integer, invariant.</summary>
    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);
}
