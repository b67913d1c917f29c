namespace Distill.Registry;

/// <summary>One command-line option of <c>distill keygen</c> for a scheme.</summary>
/// <param name="Name">The option's name without the leading dashes, for example <c>gamma</c>.</param>
/// <param name="Value">The placeholder of its value in the usage text (for example <c>G</c>), or <see langword="null"/> for a flag.</param>
/// <param name="Help">What it sets, with its default.</param>
internal sealed record KeygenOption(string Name, string? Value, string Help)
{
    /// <summary>Gets whether the option must be given.</summary>
    public bool Required { get; init; }

    /// <summary>Gets whether the option is a flag (takes no value).</summary>
    public bool IsFlag => Value is null;

    /// <summary>Gets the option as the usage text shows it: <c>[--gamma G]</c>, <c>--vllm-key K</c>, <c>[--legacy-mapping]</c>.</summary>
    public string Usage => Required ? Bare : $"[{Bare}]";

    private string Bare => IsFlag ? $"--{Name}" : $"--{Name} {Value}";
}
