namespace Distill.Extensions.AI;

/// <summary>Where a probe stands, reported after each finished prompt and each retry.</summary>
/// <param name="Total">The number of prompts in the prompt set.</param>
/// <param name="Skipped">Prompts skipped because the log already had their response.</param>
/// <param name="Done">Prompts answered in this run.</param>
/// <param name="Failed">Prompts given up on in this run (they are asked again by the next run).</param>
/// <param name="Retries">Requests sent again after a transient failure in this run.</param>
public readonly record struct ProbeProgress(int Total, int Skipped, int Done, int Failed, int Retries)
{
    /// <summary>Gets the number of prompts still to finish in this run.</summary>
    public int Remaining => Total - Skipped - Done - Failed;
}
