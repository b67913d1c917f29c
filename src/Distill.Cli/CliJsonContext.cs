using System.Text.Json.Serialization;

namespace Distill.Cli;

[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
