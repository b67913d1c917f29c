using System;
using System.IO;
using Distill.Detection;

namespace Distill;

/// <summary>
/// Scoring state of one scheme that grows document by document (streaming detection) and merges
/// with other accumulators of the same descriptor (a corpus scored on many cores or machines), with
/// the p-value computed only at the end.
/// </summary>
/// <remarks>
/// <para>
/// Tokens appended in several calls continue one document until <see cref="EndDocument"/>. Merging
/// is associative and commutative. With deduplication, a (context, token) pair scored by either side
/// is scored once in the union.
/// </para>
/// <para>
/// <see cref="WriteTo"/> stores the state stamped with the descriptor hash and checksummed;
/// <see cref="WatermarkScheme.ReadAccumulator"/> refuses state written under another descriptor.
/// </para>
/// <para>
/// The public methods check their arguments once, here (token ids against the descriptor's
/// vocabulary; for a merge the type, descriptor and deduplication setting), and only then call the
/// <c>private protected</c> <c>*Core</c> methods a scheme overrides: bad input throws and changes nothing.
/// </para>
/// <para>Not thread-safe: use one accumulator per thread and merge.</para>
/// </remarks>
public abstract class WatermarkAccumulator
{
    /// <summary>Initializes the base class.</summary>
    private protected WatermarkAccumulator()
    {
    }

    /// <summary>Gets the descriptor of the scheme the tokens are scored under.</summary>
    public abstract SchemeDescriptor Descriptor { get; }

    /// <summary>Gets whether repeated (context, token) pairs are scored once.</summary>
    public abstract bool Deduplicate { get; }

    /// <summary>Gets the number of tokens appended.</summary>
    public abstract long TokenCount { get; }

    /// <summary>Gets the number of tokens scored so far.</summary>
    public abstract long ScoredTokens { get; }

    /// <summary>Appends tokens to the open document.</summary>
    /// <param name="tokens">The next token ids.</param>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary; nothing is appended.</exception>
    public void Append(ReadOnlySpan<int> tokens)
    {
        LogitsGuard.ValidateTokens(tokens, Descriptor.VocabularySize, nameof(tokens));
        AppendCore(tokens);
    }

    /// <summary>Appends one token to the open document.</summary>
    /// <param name="token">The next token id.</param>
    /// <exception cref="ArgumentOutOfRangeException">The token id is outside the vocabulary; nothing is appended.</exception>
    public void Append(int token)
    {
        LogitsGuard.ValidateToken(token, Descriptor.VocabularySize, nameof(token));
        AppendCore(token);
    }

    /// <summary>Ends the open document: the next token starts a new context.</summary>
    public abstract void EndDocument();

    /// <summary>Adds everything <paramref name="other"/> has scored to this accumulator.</summary>
    /// <param name="other">An accumulator of the same descriptor and deduplication setting.</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="other"/> is this accumulator, or was made with another deduplication setting or by another scheme type.</exception>
    /// <exception cref="DescriptorMismatchException"><paramref name="other"/> scores under another descriptor.</exception>
    public void Merge(WatermarkAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            throw new ArgumentException("An accumulator cannot be merged into itself.", nameof(other));
        }

        DescriptorMismatchException.ThrowIfDifferent(Descriptor, other.Descriptor);
        if (other.GetType() != GetType())
        {
            throw new ArgumentException($"A {other.GetType().Name} cannot be merged into a {GetType().Name}.", nameof(other));
        }

        if (other.Deduplicate != Deduplicate)
        {
            throw new ArgumentException("Accumulators with and without deduplication cannot be merged.", nameof(other));
        }

        MergeCore(other);
    }

    /// <summary>Returns the detection result for everything scored so far; the accumulator can keep growing.</summary>
    /// <returns>The counts, the score and the p-value.</returns>
    public abstract DetectionResult GetResult();

    /// <summary>Empties the accumulator.</summary>
    public abstract void Reset();

    /// <summary>Writes the accumulator's state, stamped with the descriptor hash and checksummed.</summary>
    /// <param name="destination">The stream to write to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        WriteToCore(destination);
    }

    /// <summary>When overridden, appends tokens to the open document.</summary>
    /// <param name="tokens">The next token ids, already checked to be in the vocabulary.</param>
    private protected abstract void AppendCore(ReadOnlySpan<int> tokens);

    /// <summary>When overridden, appends one token to the open document; by default, a span of one.</summary>
    /// <param name="token">The next token id, already checked to be in the vocabulary.</param>
    private protected virtual void AppendCore(int token) => AppendCore([token]);

    /// <summary>When overridden, adds everything <paramref name="other"/> has scored to this accumulator.</summary>
    /// <param name="other">
    /// Another accumulator of this accumulator's own type, descriptor and deduplication setting (already
    /// checked). A check the override adds must throw before it changes anything.
    /// </param>
    private protected abstract void MergeCore(WatermarkAccumulator other);

    /// <summary>When overridden, writes the accumulator's state.</summary>
    /// <param name="destination">The stream to write to (not <see langword="null"/>).</param>
    private protected abstract void WriteToCore(Stream destination);
}
