namespace Distill.Extensions.AI;

/// <summary>Where a probe stands, reported after each finished prompt and each retry.</summary>
/// <remarks>Made by <see cref="SuspectProbe.RunAsync"/> only; <c>default</c> is an empty report.</remarks>
public readonly record struct ProbeProgress
{
    /// <summary>Initializes a new instance of the <see cref="ProbeProgress"/> struct.</summary>
    /// <param name="total">The number of prompts in the prompt set.</param>
    /// <param name="skipped">Prompts skipped because the log already had their response.</param>
    /// <param name="done">Prompts answered in this run.</param>
    /// <param name="failed">Prompts given up on in this run.</param>
    /// <param name="retries">Requests sent again after a transient failure in this run.</param>
    internal ProbeProgress(int total, int skipped, int done, int failed, int retries)
    {
        Total = total;
        Skipped = skipped;
        Done = done;
        Failed = failed;
        Retries = retries;
    }

    /// <summary>Gets the number of prompts in the prompt set.</summary>
    public int Total { get; }

    /// <summary>Gets the number of prompts skipped because the log already had their response.</summary>
    public int Skipped { get; }

    /// <summary>Gets the number of prompts answered in this run.</summary>
    public int Done { get; }

    /// <summary>Gets the number of prompts given up on in this run (they are asked again by the next run).</summary>
    public int Failed { get; }

    /// <summary>Gets the number of requests sent again after a transient failure in this run.</summary>
    public int Retries { get; }

    /// <summary>Gets the number of prompts still to finish in this run.</summary>
    public int Remaining => Total - Skipped - Done - Failed;
}
