using System.Text.RegularExpressions;

namespace Distill.Tokenizers;

/// <summary>
/// The pre-tokenization patterns of OpenAI's tiktoken encodings (github.com/openai/tiktoken,
/// <c>tiktoken_ext/openai_public.py</c>, MIT), in the .NET spelling Microsoft.ML.Tokenizers 2.0.1
/// uses (atomic groups in place of possessive quantifiers).
/// </summary>
/// <remarks>
/// We build the tokenizers with our own pre-tokenizer so that special-token strings such as
/// <c>&lt;|endoftext|&gt;</c> in user text are encoded as ordinary text (tiktoken's
/// <c>encode_ordinary</c>); the tests check that ordinary text gives the same ids as
/// <c>TiktokenTokenizer.CreateForEncoding</c>.
/// </remarks>
internal static partial class TiktokenPatterns
{
    private const string O200kBasePattern =
        @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
        + @"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
        + @"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const string Cl100kBasePattern =
        @"'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})| ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)$|\s*[\r\n]|\s+(?!\S)|\s";

    [GeneratedRegex(O200kBasePattern, RegexOptions.CultureInvariant)]
    internal static partial Regex O200kBase();

    [GeneratedRegex(Cl100kBasePattern, RegexOptions.CultureInvariant)]
    internal static partial Regex Cl100kBase();
}
