using System.Text.Json;

namespace Distill.Cli;

/// <summary>The output line of a document <c>distill detect --json</c> could not test.</summary>
/// <param name="Id">The document's id.</param>
/// <param name="Error">Why.</param>
internal sealed record DetectErrorOutput(JsonElement Id, string Error);
