namespace Distill.Extensions.AI;

/// <summary>The outcome of a finished <see cref="SuspectProbe.RunAsync"/>.</summary>
/// <param name="Total">The number of prompts in the prompt set.</param>
/// <param name="Skipped">Prompts skipped because the log already had their response.</param>
/// <param name="Answered">Prompts answered in this run.</param>
/// <param name="Failed">Prompts given up on in this run; they are logged as failed and asked again by the next run.</param>
/// <param name="Retries">Requests sent again after a transient failure.</param>
public readonly record struct ProbeSummary(int Total, int Skipped, int Answered, int Failed, int Retries)
{
    /// <summary>Gets a value indicating whether every prompt of the set now has a response in the log.</summary>
    public bool IsComplete => Skipped + Answered == Total;
}
