using System.Text.Json.Serialization;

namespace Distill;

/// <summary>Source-generated JSON metadata for the descriptor and profile files (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(SchemeDescriptor))]
[JsonSerializable(typeof(ProfileDocument))]
internal sealed partial class DistillJsonContext : JsonSerializerContext
{
}
