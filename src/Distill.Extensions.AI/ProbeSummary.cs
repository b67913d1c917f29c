namespace Distill.Extensions.AI;

/// <summary>The outcome of a finished <see cref="SuspectProbe.RunAsync"/>.</summary>
/// <remarks>Made by <see cref="SuspectProbe.RunAsync"/> only; <c>default</c> is an empty summary.</remarks>
public readonly record struct ProbeSummary
{
    /// <summary>Initializes a new instance of the <see cref="ProbeSummary"/> struct.</summary>
    /// <param name="total">The number of prompts in the prompt set.</param>
    /// <param name="skipped">Prompts skipped because the log already had their response.</param>
    /// <param name="answered">Prompts answered in this run.</param>
    /// <param name="failed">Prompts given up on in this run.</param>
    /// <param name="retries">Requests sent again after a transient failure.</param>
    internal ProbeSummary(int total, int skipped, int answered, int failed, int retries)
    {
        Total = total;
        Skipped = skipped;
        Answered = answered;
        Failed = failed;
        Retries = retries;
    }

    /// <summary>Gets the number of prompts in the prompt set.</summary>
    public int Total { get; }

    /// <summary>Gets the number of prompts skipped because the log already had their response.</summary>
    public int Skipped { get; }

    /// <summary>Gets the number of prompts answered in this run.</summary>
    public int Answered { get; }

    /// <summary>Gets the number of prompts given up on in this run; they are logged as failed and asked again by the next run.</summary>
    public int Failed { get; }

    /// <summary>Gets the number of requests sent again after a transient failure.</summary>
    public int Retries { get; }

    /// <summary>Gets a value indicating whether every prompt of the set now has a response in the log.</summary>
    public bool IsComplete => Skipped + Answered == Total;
}
