using System.IO;
using Distill.Extensions.AI;
using Distill.Radioactivity;

namespace Distill.Cli;

/// <summary>Prints the closed-model radioactivity test of a probe log as <c>distill radioactivity</c> does.</summary>
internal static class ProbeRadioactivityOutput
{
    public static void Write(ProbeLog log, ProfileContext profile, bool json, TextWriter stdout)
    {
        RadioactivityResult r = log.TestRadioactivity(profile.Scheme, profile.Tokenizer);
        int outputs = log.AnsweredCount;
        int prompts = log.PromptCount;
        double alpha = DetectCommand.DefaultAlpha;
        stdout.WriteLine(json
            ? RadioactivityCommand.ToJson(r, alpha, profile.Scheme.Descriptor.Scheme, outputs, prompts, filter: null)
            : RadioactivityCommand.ToHuman(r, alpha, outputs, prompts, filter: null));
    }
}
