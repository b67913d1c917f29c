using System;
using System.Collections.Generic;
using Distill.Detection;
using Distill.Radioactivity;
using Distill.Tokenizers;

namespace Distill.Extensions.AI;

public sealed partial class ProbeLog
{
    /// <summary>
    /// Runs the closed-model radioactivity test on the log: did the suspect that wrote these
    /// responses learn from text watermarked with <paramref name="scheme"/>?
    /// </summary>
    /// <param name="scheme">Our scheme and key, the one the suspect may have been trained on.</param>
    /// <param name="tokenizer">The tokenizer the scheme's descriptor names.</param>
    /// <param name="options">Radioactivity options; <see cref="RadioactivityOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The test's result over every successful response of the log.</returns>
    /// <remarks>
    /// Every logged prompt and system prompt (failed ones too: the suspect saw them) is added with
    /// <see cref="TextClosedModelTest.AddPrompt"/> before any response, so that (context, token)
    /// pairs that a response merely copied from its prompt are not scored; each successful
    /// response is then one output. This assumes that the logged prompts are all the suspect was
    /// given: a prompt template or a system prompt that the endpoint adds itself can leak watermarked text
    /// into responses unexcluded.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> or <paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    /// <exception cref="DescriptorMismatchException">The tokenizer is not the one the scheme's descriptor names, or its vocabulary size differs.</exception>
    /// <exception cref="NotSupportedException">The scheme has no closed-model test (EXP-edit).</exception>
    public RadioactivityResult TestRadioactivity(WatermarkScheme scheme, TextTokenizer tokenizer, RadioactivityOptions? options = null)
    {
        var test = new TextClosedModelTest(scheme, tokenizer, options);
        IReadOnlyList<ProbeRecord> records = Records;
        var prompts = new HashSet<string>(StringComparer.Ordinal);
        var systemPrompts = new HashSet<string>(StringComparer.Ordinal);
        foreach (ProbeRecord record in records)
        {
            if (prompts.Add(record.Id))
            {
                test.AddPrompt(record.Prompt);
            }

            if (record.SystemPrompt is { } system && systemPrompts.Add(system))
            {
                test.AddPrompt(system);
            }
        }

        foreach (ProbeRecord record in records)
        {
            if (record.Succeeded)
            {
                test.AddOutput(record.Response!);
            }
        }

        return test.GetResult();
    }
}
