namespace Distill.Registry;

/// <summary>Named option values, as <c>distill keygen</c> parsed them (see <see cref="SchemeArgumentsExtensions"/> for typed reads).</summary>
internal interface ISchemeArguments
{
    /// <summary>Returns whether the option (or flag) was given.</summary>
    /// <param name="name">The option's name without the leading dashes.</param>
    /// <returns><see langword="true"/> when it was given.</returns>
    bool Has(string name);

    /// <summary>Returns the option's value, or <see langword="null"/> when it was not given.</summary>
    /// <param name="name">The option's name without the leading dashes.</param>
    /// <returns>The value as given.</returns>
    string? Get(string name);
}
