using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Text;

namespace Distill.SynthId;

/// <summary>
/// A Bayesian detector for one <see cref="SynthIdScheme"/>, trained on the user's own watermarked
/// and unwatermarked token streams, in the spirit of the reference's Bayesian detector: per-layer
/// logistic likelihoods of the g-values under each class, and a log-likelihood ratio per text.
/// </summary>
/// <remarks>
/// <para>
/// For each class (watermarked, not watermarked) and layer l, the model is
/// P(g_l = 1 | g_0 .. g_(l-1)) = logistic(beta_l + gamma_l x_l), with x_l the mean of the earlier
/// layers' g-values of the same token minus 1/2 (0 for layer 0): the earlier layers tell how much
/// entropy the step had, which is what makes the watermarked g-values of one token correlated (the
/// reference's logistic likelihood conditions on the earlier layers too). Each class's parameters are
/// the penalized maximum-likelihood fit (Gaussian prior, penalty <c>regularization / 2 (beta^2 + gamma^2)</c>,
/// Newton's method) on the g-values of its training streams, scored exactly as detection scores
/// them (prefix skipped, repeated contexts masked, repeated pairs once).
/// </para>
/// <para>
/// <see cref="Score"/> returns the log-likelihood ratio and the posterior probability for a prior.
/// The posterior is not a p-value: it depends on the prior and on how well the training streams
/// resemble the text scored, and carries no false-positive guarantee. Use
/// <see cref="WatermarkScheme.Detect"/> for a test with a guaranteed false-positive rate.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class SynthIdBayesianDetector
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLSIB1");
    private readonly SynthIdScheme _scheme;

    // Per class (0: not watermarked, 1: watermarked) and layer: beta then gamma.
    private readonly double[] _parameters;

    // The log-likelihood ratio of each (layer, earlier ones, g) cell: index 2 (l (l + 1) / 2 + j) + g.
    private readonly double[] _ratios;

    private SynthIdBayesianDetector(SynthIdScheme scheme, double regularization, double[] parameters)
    {
        _scheme = scheme;
        Regularization = regularization;
        _parameters = parameters;
        int depth = scheme.Depth;
        _ratios = new double[depth * (depth + 1)];
        for (int l = 0; l < depth; l++)
        {
            for (int j = 0; j <= l; j++)
            {
                double x = Feature(l, j);
                double zw = parameters[Index(1, l, depth)] + (parameters[Index(1, l, depth) + 1] * x);
                double zu = parameters[Index(0, l, depth)] + (parameters[Index(0, l, depth) + 1] * x);
                int cell = 2 * (Cell(l) + j);
                _ratios[cell] = LogLogistic(-zw) - LogLogistic(-zu);
                _ratios[cell + 1] = LogLogistic(zw) - LogLogistic(zu);
            }
        }
    }

    /// <summary>Gets the descriptor of the scheme the detector was trained for.</summary>
    public SchemeDescriptor Descriptor => _scheme.Descriptor;

    /// <summary>Gets the L2 penalty the parameters were fitted with.</summary>
    public double Regularization { get; }

    /// <summary>Trains a detector on token streams known to be watermarked with <paramref name="scheme"/> and streams known not to be.</summary>
    /// <param name="scheme">The scheme (key and parameters) of the watermarked streams.</param>
    /// <param name="watermarked">Streams generated through a session of <paramref name="scheme"/>.</param>
    /// <param name="unwatermarked">Streams not watermarked with this key (for example human text, or text from another key).</param>
    /// <param name="regularization">The L2 penalty on each layer's two parameters, above 0 (default 1).</param>
    /// <returns>The trained detector.</returns>
    /// <exception cref="ArgumentNullException">An argument or a stream is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="regularization"/> is not a positive finite number, or a token id is outside the vocabulary.</exception>
    /// <exception cref="ArgumentException">A class has no scored token.</exception>
    public static SynthIdBayesianDetector Train(SynthIdScheme scheme, IEnumerable<int[]> watermarked, IEnumerable<int[]> unwatermarked, double regularization = 1.0)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(watermarked);
        ArgumentNullException.ThrowIfNull(unwatermarked);
        if (!(regularization > 0.0 && double.IsFinite(regularization)))
        {
            throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "The regularization must be a positive finite number.");
        }

        int depth = scheme.Depth;
        var parameters = new double[4 * depth];
        Fit(scheme, watermarked, nameof(watermarked), regularization, parameters.AsSpan(2 * depth, 2 * depth));
        Fit(scheme, unwatermarked, nameof(unwatermarked), regularization, parameters.AsSpan(0, 2 * depth));
        return new SynthIdBayesianDetector(scheme, regularization, parameters);
    }

    /// <summary>Scores one token stream.</summary>
    /// <param name="tokens">The token ids of the text.</param>
    /// <param name="prior">The prior probability that the text is watermarked, strictly between 0 and 1 (default 1/2).</param>
    /// <returns>The log-likelihood ratio and the posterior probability (not a p-value).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary, or <paramref name="prior"/> is not strictly between 0 and 1.</exception>
    public SynthIdBayesianResult Score(ReadOnlySpan<int> tokens, double prior = 0.5)
    {
        if (!(prior > 0.0 && prior < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(prior), prior, "The prior must be strictly between 0 and 1.");
        }

        LogitsGuard.ValidateTokens(tokens, _scheme.VocabularySize, nameof(tokens));
        double[] ones = ArrayPool<double>.Shared.Rent(Math.Max(tokens.Length, 1));
        ulong[] words = ArrayPool<ulong>.Shared.Rent(Math.Max(tokens.Length, 1));
        try
        {
            SynthIdCounts counts = _scheme.ScoreDocument(tokens, deduplicate: true, ones.AsSpan(0, tokens.Length), words.AsSpan(0, tokens.Length));
            double llr = 0.0;
            for (int i = 0; i < tokens.Length; i++)
            {
                if (!double.IsNaN(ones[i]))
                {
                    llr += TokenRatio(words[i]);
                }
            }

            double logit = Math.Log(prior) - Math.Log(1.0 - prior) + llr;
            return new SynthIdBayesianResult(llr, counts.Scored, prior, Logistic(logit));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(ones);
            ArrayPool<ulong>.Shared.Return(words);
        }
    }

    /// <summary>
    /// Writes the detector: magic <c>DSTLSIB1</c>, the descriptor hash, the depth, the regularization,
    /// the 4 x depth parameters (not watermarked, then watermarked; beta and gamma per layer) as
    /// little-endian doubles, and an XxHash64 checksum of all that.
    /// </summary>
    /// <param name="destination">The stream to write to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(s_magic);
            writer.Write(Encoding.ASCII.GetBytes(Descriptor.Hash));
            writer.Write(_scheme.Depth);
            writer.Write(Regularization);
            foreach (double p in _parameters)
            {
                writer.Write(p);
            }
        }

        byte[] body = buffer.ToArray();
        destination.Write(body);
        Span<byte> checksum = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, XxHash64.HashToUInt64(body));
        destination.Write(checksum);
    }

    /// <summary>Reads a detector that <see cref="WriteTo"/> wrote for <paramref name="scheme"/>.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <param name="scheme">The scheme the detector was trained for.</param>
    /// <returns>The detector.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt, or not a detector.</exception>
    /// <exception cref="Detection.DescriptorMismatchException">The detector was trained under another descriptor.</exception>
    public static SynthIdBayesianDetector ReadFrom(Stream source, SynthIdScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheme);
        using var buffer = new MemoryStream();
        source.CopyTo(buffer);
        byte[] data = buffer.ToArray();
        int depth = scheme.Depth;
        int expected = s_magic.Length + 16 + 4 + 8 + (4 * depth * 8) + 8;
        if (data.Length < s_magic.Length + 16 + 8)
        {
            throw new InvalidDataException("The detector data is truncated.");
        }

        ReadOnlySpan<byte> body = data.AsSpan(0, data.Length - 8);
        if (XxHash64.HashToUInt64(body) != BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(data.Length - 8)))
        {
            throw new InvalidDataException("The detector data is corrupt (checksum mismatch).");
        }

        if (!body[..s_magic.Length].SequenceEqual(s_magic))
        {
            throw new InvalidDataException("The data is not a Distill SynthID Bayesian detector.");
        }

        string hash = Encoding.ASCII.GetString(body.Slice(s_magic.Length, 16));
        if (hash != scheme.Descriptor.Hash)
        {
            throw new Detection.DescriptorMismatchException($"The detector was trained under descriptor {hash}, but the scheme's descriptor is {scheme.Descriptor.Hash}.");
        }

        if (data.Length != expected)
        {
            throw new InvalidDataException("The detector data is inconsistent.");
        }

        int offset = s_magic.Length + 16;
        if (BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(offset)) != depth)
        {
            throw new InvalidDataException("The detector data is inconsistent.");
        }

        double regularization = BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(offset + 4));
        var parameters = new double[4 * depth];
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(offset + 12 + (8 * i)));
        }

        if (!(regularization > 0.0 && double.IsFinite(regularization)) || !Array.TrueForAll(parameters, double.IsFinite))
        {
            throw new InvalidDataException("The detector data is inconsistent.");
        }

        return new SynthIdBayesianDetector(scheme, regularization, parameters);
    }

    /// <summary>The log-likelihood ratio of one scored token's g-word.</summary>
    internal double TokenRatio(ulong word)
    {
        double sum = 0.0;
        int previous = 0;
        for (int l = 0; l < _scheme.Depth; l++)
        {
            int g = (int)((word >> l) & 1UL);
            sum += _ratios[(2 * (Cell(l) + previous)) + g];
            previous += g;
        }

        return sum;
    }

    private static void Fit(SynthIdScheme scheme, IEnumerable<int[]> streams, string paramName, double regularization, Span<double> destination)
    {
        int depth = scheme.Depth;

        // counts[2 (cell(l) + j) + g]: tokens whose layer l is g after j ones in the earlier layers.
        var counts = new long[depth * (depth + 1)];
        long scored = 0;
        foreach (int[] tokens in streams)
        {
            if (tokens is null)
            {
                throw new ArgumentNullException(paramName, "A stream is null.");
            }

            LogitsGuard.ValidateTokens(tokens, scheme.VocabularySize, paramName);
            var ones = new double[tokens.Length];
            var words = new ulong[tokens.Length];
            scheme.ScoreDocument(tokens, deduplicate: true, ones, words);
            for (int i = 0; i < tokens.Length; i++)
            {
                if (double.IsNaN(ones[i]))
                {
                    continue;
                }

                scored++;
                int previous = 0;
                for (int l = 0; l < depth; l++)
                {
                    int g = (int)((words[i] >> l) & 1UL);
                    counts[(2 * (Cell(l) + previous)) + g]++;
                    previous += g;
                }
            }
        }

        if (scored == 0)
        {
            throw new ArgumentException("The streams have no scored token (each needs more tokens than the context width).", paramName);
        }

        for (int l = 0; l < depth; l++)
        {
            var (beta, gamma) = FitLayer(counts, l, regularization);
            destination[2 * l] = beta;
            destination[(2 * l) + 1] = gamma;
        }
    }

    // Newton's method on the concave penalized log-likelihood of one layer's logistic model.
    private static (double Beta, double Gamma) FitLayer(long[] counts, int l, double regularization)
    {
        double beta = 0.0, gamma = 0.0;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double gb = -regularization * beta, gg = -regularization * gamma;
            double hbb = regularization, hbg = 0.0, hgg = regularization;
            for (int j = 0; j <= l; j++)
            {
                double n0 = counts[2 * (Cell(l) + j)], n1 = counts[(2 * (Cell(l) + j)) + 1];
                if (n0 + n1 == 0)
                {
                    continue;
                }

                double x = Feature(l, j);
                double p = Logistic(beta + (gamma * x));
                double residual = n1 - ((n0 + n1) * p);
                double weight = (n0 + n1) * p * (1.0 - p);
                gb += residual;
                gg += residual * x;
                hbb += weight;
                hbg += weight * x;
                hgg += weight * x * x;
            }

            // Solve [hbb hbg; hbg hgg] step = gradient (the Hessian of the negative log-likelihood is positive definite).
            double det = (hbb * hgg) - (hbg * hbg);
            double stepBeta = ((hgg * gb) - (hbg * gg)) / det;
            double stepGamma = ((hbb * gg) - (hbg * gb)) / det;
            beta += stepBeta;
            gamma += stepGamma;
            if (Math.Abs(stepBeta) + Math.Abs(stepGamma) < 1e-12)
            {
                break;
            }
        }

        return (beta, gamma);
    }

    private static double Feature(int l, int previousOnes) => l == 0 ? 0.0 : ((double)previousOnes / l) - 0.5;

    private static int Cell(int l) => l * (l + 1) / 2;

    private static int Index(int cls, int l, int depth) => (2 * depth * cls) + (2 * l);

    private static double Logistic(double x) => x >= 0.0 ? 1.0 / (1.0 + Math.Exp(-x)) : Math.Exp(x) / (1.0 + Math.Exp(x));

    // ln logistic(x) = -ln(1 + e^-x), stable for any x.
    private static double LogLogistic(double x) => x >= 0.0 ? -Statistics.Binomial.Log1P(Math.Exp(-x)) : x - Statistics.Binomial.Log1P(Math.Exp(x));
}
