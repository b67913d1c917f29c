using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill;

/// <summary>Reads and writes <see cref="SchemeParameters"/> as a JSON object of string values, names in ordinal order.</summary>
internal sealed class SchemeParametersJsonConverter : JsonConverter<SchemeParameters>
{
    /// <inheritdoc />
    public override SchemeParameters Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The scheme parameters must be a JSON object.");
        }

        var values = new List<KeyValuePair<string, string>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"The scheme parameter '{name}' must be a string.");
            }

            values.Add(new(name, reader.GetString()!));
        }

        return new SchemeParameters(values);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, SchemeParameters value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (KeyValuePair<string, string> entry in value.Entries)
        {
            writer.WriteString(entry.Key, entry.Value);
        }

        writer.WriteEndObject();
    }
}
