using Distill.Prf;
using Distill.Registry;

namespace Distill.ExpEdit;

/// <summary>The registry entry of <see cref="ExpEditScheme"/>.</summary>
internal static class ExpEditRegistration
{
    /// <summary>Gets the registration.</summary>
    public static SchemeRegistration Registration { get; } = new()
    {
        Names = [ExpEditScheme.SchemeName],
        Version = ExpEditScheme.Version,
        PrfVersion = PrfV1.Version,
        Options = d => d.ExpEdit,
        AppendHash = (d, hash) => d.ExpEdit?.AppendHash(hash),
        Describe = d => d.ExpEdit!.ToString(),
        Create = (d, key, _) => ExpEditScheme.FromDescriptor(d, key),
        Keygen =
        [
            new()
            {
                Scheme = ExpEditScheme.SchemeName,
                Options =
                [
                    new("key-length", "N", "the length of the key sequence (default 256)"),
                    new("block-length", "K", "the block length of the alignment test (default 256)"),
                    new("edit-penalty", "G", "the Levenshtein gap penalty (default 0)"),
                ],
                Create = (a, key, vocabularySize, tokenizer) =>
                {
                    var options = new ExpEditOptions
                    {
                        KeyLength = a.GetInt("key-length", ExpEditOptions.Default.KeyLength),
                        BlockLength = a.GetInt("block-length", ExpEditOptions.Default.BlockLength),
                        EditPenalty = a.GetDouble("edit-penalty", ExpEditOptions.Default.EditPenalty),
                    };
                    return (key, ExpEditScheme.Create(key, options, vocabularySize, tokenizer));
                },
            },
        ],
    };
}
