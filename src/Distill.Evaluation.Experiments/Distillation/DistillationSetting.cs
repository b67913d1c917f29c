namespace Distill.Evaluation.Distillation;

/// <summary>The three settings of the radioactivity tests (Sander et al., "Watermarking Makes Language Models Radioactive", NeurIPS 2024).</summary>
public enum DistillationSetting
{
    /// <summary>Closed model, unsupervised: the suspect's outputs only, every (context, token) of them scored.</summary>
    ClosedUnsupervised,

    /// <summary>Closed model, supervised: the suspect's outputs, scored only at contexts that occur in our watermarked texts it was trained on.</summary>
    ClosedSupervised,

    /// <summary>Open model: the suspect's top-1 predictions, teacher-forced on our watermarked texts it was trained on.</summary>
    Open,
}
