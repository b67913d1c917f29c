using System.Text.Json;

namespace Distill.Cli;

/// <summary>A document to test: text, or token ids given as they are.</summary>
/// <param name="Id">The document's id: the "id" of its line, else its line number, or the input's path (or "-").</param>
/// <param name="Text">The text, or <see langword="null"/> for token ids.</param>
/// <param name="Ids">The token ids, or <see langword="null"/> for text.</param>
internal sealed record InputDocument(JsonElement Id, string? Text, int[]? Ids)
{
    /// <summary>Gets the id as people read it: a string id as it is, any other as its JSON.</summary>
    public string Name => Id.ValueKind == JsonValueKind.String ? Id.GetString()! : Id.GetRawText();
}
