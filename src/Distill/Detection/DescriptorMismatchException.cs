using System;
using System.Collections.Generic;

namespace Distill.Detection;

/// <summary>
/// Thrown when tokens, results or state made under one descriptor meet a scheme with another:
/// another scheme, version, parameters, tokenizer or key. The message lists what differs.
/// </summary>
public sealed class DescriptorMismatchException : InvalidOperationException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public DescriptorMismatchException()
        : base("The descriptors do not match.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public DescriptorMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DescriptorMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throws when the two descriptors differ, naming every field that does.</summary>
    /// <param name="expected">The descriptor of the scheme in hand.</param>
    /// <param name="actual">The descriptor that came with the data.</param>
    /// <exception cref="DescriptorMismatchException">The descriptors differ.</exception>
    internal static void ThrowIfDifferent(SchemeDescriptor expected, SchemeDescriptor actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Hash == actual.Hash)
        {
            return;
        }

        var differences = new List<string>();
        Compare(differences, "scheme", expected.Scheme, actual.Scheme);
        Compare(differences, "scheme version", expected.SchemeVersion, actual.SchemeVersion);
        Compare(differences, "PRF version", expected.PrfVersion, actual.PrfVersion);
        Compare(differences, "vocabulary size", expected.VocabularySize, actual.VocabularySize);
        Compare(differences, "tokenizer", expected.Tokenizer ?? "(none)", actual.Tokenizer ?? "(none)");
        Compare(differences, "key id", expected.KeyId, actual.KeyId);
        Compare(differences, "parameters", expected.ParametersForMessages?.ToString() ?? "(none)", actual.ParametersForMessages?.ToString() ?? "(none)");
        throw new DescriptorMismatchException($"Descriptor mismatch ({expected.Hash} vs {actual.Hash}): {string.Join("; ", differences)}.");
    }

    private static void Compare<T>(List<string> differences, string name, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            differences.Add($"{name} {expected} vs {actual}");
        }
    }
}
