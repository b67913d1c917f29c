using System;
using System.IO.Hashing;

namespace Distill.Reference;

/// <summary>The identity of a <see cref="ReferenceCorpus"/> as a descriptor records it.</summary>
public sealed record ReferenceCorpusId
{
    /// <summary>Gets the corpus's name, for example <c>brown-train/1</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the number of documents.</summary>
    public required int Documents { get; init; }

    /// <summary>Gets the number of tokens in all documents.</summary>
    public required long Tokens { get; init; }

    /// <summary>Gets the XxHash64 (16 lowercase hexadecimal digits) of the documents' lengths and token ids.</summary>
    public required string Hash { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Documents} documents, {Tokens} tokens, hash {Hash})";

    internal void Validate()
    {
        if (string.IsNullOrEmpty(Name) || Name.Length > 200 || Documents < 1 || Tokens < 1 || Hash is not { Length: 16 } || !IsHex(Hash))
        {
            throw new ArgumentException($"The reference corpus entry '{Name}' is invalid (it needs a name, at least one document and token, and a 16-digit hash).");
        }
    }

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, Name);
        SchemeDescriptor.AppendInt(hash, Documents);
        SchemeDescriptor.AppendLong(hash, Tokens);
        SchemeDescriptor.AppendString(hash, Hash);
    }

    private static bool IsHex(string value)
    {
        foreach (char c in value)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
