namespace Distill.Evaluation.Fingerprinting;

/// <summary>The texts of a false-attribution cell and the registry they are traced against.</summary>
public enum AttributionText
{
    /// <summary>Human Brown passages: any tenant named is a false attribution.</summary>
    Human,

    /// <summary>Texts watermarked for a tenant A, traced against a registry holding A (or without a registry): any tenant other than A is a false attribution.</summary>
    WatermarkedRegistered,

    /// <summary>Texts watermarked for a tenant A, traced against a registry without A: any tenant named is a false attribution.</summary>
    WatermarkedUnregistered,
}
