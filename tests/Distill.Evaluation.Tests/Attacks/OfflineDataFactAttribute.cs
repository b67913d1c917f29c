using System;
using Distill.Evaluation.Attacks;

namespace Distill.Evaluation.Tests.Attacks;

/// <summary>A fact that needs WordNet (Debian <c>wordnet-base</c>) and, when asked, the FreeDict English-German dictionaries: skipped, with that reason, where they are not installed.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OfflineDataFactAttribute : FactAttribute
{
    /// <summary>Initializes the attribute.</summary>
    /// <param name="dictionaries">Whether the FreeDict dictionaries are needed instead of WordNet.</param>
    public OfflineDataFactAttribute(bool dictionaries = false)
    {
        if (!dictionaries && !WordNetDatabase.Exists())
        {
            Skip = $"WordNet is not installed under {WordNetDatabase.DefaultDirectory} (apt-get install wordnet-base; .ci/run installs it).";
        }
        else if (dictionaries && !(BilingualLexicon.Exists("freedict-eng-deu") && BilingualLexicon.Exists("freedict-deu-eng")))
        {
            Skip = $"The FreeDict dictionaries are not installed under {BilingualLexicon.DefaultDirectory} (apt-get install dict-freedict-eng-deu dict-freedict-deu-eng; .ci/run installs them).";
        }
    }
}
