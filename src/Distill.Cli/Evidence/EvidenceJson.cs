using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace Distill.Cli.Evidence;

/// <summary>The JSON helpers of the bundle: copying a command's output with exact p-value bits, and comparing results figure by figure.</summary>
internal static class EvidenceJson
{
    /// <summary>The suffix of the property that carries a p-value's IEEE 754 bits beside it.</summary>
    public const string BitsSuffix = "Bits";

    /// <summary>
    /// Copies <paramref name="element"/> to <paramref name="w"/> as it is (numbers in their round-trip text), with
    /// string values passed through <paramref name="rename"/> (property name, value) and, after every number whose
    /// name holds <c>PValue</c> or starts with <c>pValue</c>, its 64 bits as <c>0x</c> and 16 hexadecimal digits.
    /// </summary>
    public static void CopyWithBits(JsonElement element, Utf8JsonWriter w, Func<string, string, string> rename, string property = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (JsonProperty p in element.EnumerateObject())
                {
                    w.WritePropertyName(p.Name);
                    CopyWithBits(p.Value, w, rename, p.Name);
                    if (p.Value.ValueKind == JsonValueKind.Number && IsPValue(p.Name))
                    {
                        w.WriteString(p.Name + BitsSuffix, Bits(p.Value.GetDouble()));
                    }
                }

                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (JsonElement item in element.EnumerateArray())
                {
                    CopyWithBits(item, w, rename, property);
                }

                w.WriteEndArray();
                break;
            case JsonValueKind.String:
                w.WriteStringValue(rename(property, element.GetString()!));
                break;
            default:
                element.WriteTo(w);
                break;
        }
    }

    /// <summary>A double's IEEE 754 bits: <c>0x</c> and 16 lowercase hexadecimal digits.</summary>
    public static string Bits(double value) => "0x" + BitConverter.DoubleToInt64Bits(value).ToString("x16", CultureInfo.InvariantCulture);

    private static bool IsPValue(string name) => name.Contains("PValue", StringComparison.Ordinal) || name.StartsWith("pValue", StringComparison.Ordinal);

    /// <summary>
    /// The differences between the bundle's results and the recomputed ones, each naming the figure's JSON path
    /// and both values; numbers are equal only when their text is (the text round-trips, so equal text is equal bits).
    /// </summary>
    public static List<string> Differences(JsonElement bundle, JsonElement recomputed, int max = 20)
    {
        var found = new List<string>();
        Compare(bundle, recomputed, "$", found, max);
        return found;
    }

    private static void Compare(JsonElement a, JsonElement b, string path, List<string> found, int max)
    {
        if (found.Count >= max)
        {
            return;
        }

        if (a.ValueKind != b.ValueKind)
        {
            found.Add($"{path}: the bundle has {Show(a)}, the recomputation {Show(b)}");
            return;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                using (JsonElement.ObjectEnumerator x = a.EnumerateObject(), y = b.EnumerateObject())
                {
                    var left = new List<JsonProperty>(x);
                    var right = new List<JsonProperty>(y);
                    for (int i = 0; i < Math.Max(left.Count, right.Count); i++)
                    {
                        if (i >= left.Count)
                        {
                            found.Add($"{path}.{right[i].Name}: missing from the bundle's results (recomputed {Show(right[i].Value)})");
                        }
                        else if (i >= right.Count)
                        {
                            found.Add($"{path}.{left[i].Name}: in the bundle's results ({Show(left[i].Value)}) but not recomputed");
                        }
                        else if (left[i].Name != right[i].Name)
                        {
                            found.Add($"{path}: the bundle has field '{left[i].Name}' where the recomputation has '{right[i].Name}'");
                        }
                        else
                        {
                            Compare(left[i].Value, right[i].Value, $"{path}.{left[i].Name}", found, max);
                        }

                        if (found.Count >= max || (i < left.Count && i < right.Count && left[i].Name != right[i].Name))
                        {
                            return;
                        }
                    }
                }

                break;
            case JsonValueKind.Array:
                int count = a.GetArrayLength();
                if (count != b.GetArrayLength())
                {
                    found.Add($"{path}: the bundle has {count} items, the recomputation {b.GetArrayLength()}");
                    return;
                }

                for (int i = 0; i < count; i++)
                {
                    Compare(a[i], b[i], $"{path}[{i}]", found, max);
                }

                break;
            default:
                if (a.GetRawText() != b.GetRawText())
                {
                    found.Add($"{path}: the bundle has {Show(a)}, the recomputation {Show(b)}");
                }

                break;
        }
    }

    private static string Show(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => e.GetRawText().Length <= 80 ? e.GetRawText() : e.GetRawText()[..77] + "...",
    };
}
