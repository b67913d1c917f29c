using System.Text.Json.Serialization;

namespace Distill.Cli;

/// <summary>
/// The JSON the CLI reads and writes, generated at build time: camel-case property names in
/// declaration order, null properties left out.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(DetectOutput))]
[JsonSerializable(typeof(DetectSearchOutput))]
[JsonSerializable(typeof(DetectErrorOutput))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
