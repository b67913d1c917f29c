using System.Text.Json.Serialization;

namespace Distill.Cli.Evidence;

/// <summary>
/// detect's output as the bundle records it: as <see cref="CliJsonContext"/> writes it, except that a figure that is
/// not a number (NaN, which the printed JSON cannot carry) is written as a string rather than failing the document.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(DetectOutput))]
[JsonSerializable(typeof(DetectSearchOutput))]
[JsonSerializable(typeof(DetectErrorOutput))]
internal sealed partial class EvidenceJsonContext : JsonSerializerContext
{
}
