namespace Distill;

/// <summary>The on-disk shape of a profile file (see <see cref="WatermarkProfile"/>).</summary>
internal sealed class ProfileDocument
{
    public string? Format { get; set; }

    public int FormatVersion { get; set; }

    public SchemeDescriptor? Descriptor { get; set; }

    public string? Secret { get; set; }

    /// <summary>An integer key's words as decimal strings (see <see cref="WatermarkKey.FromIntegers"/>), or null.</summary>
    public string[]? IntegerKey { get; set; }

    public string? Checksum { get; set; }
}
