using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Distill.Reference;

namespace Distill;

/// <summary>
/// A deployable watermark configuration: a <see cref="SchemeDescriptor"/> and the secret
/// <see cref="WatermarkKey"/> it names, stored together in one checksummed JSON file that is
/// readable by its owner only.
/// </summary>
/// <remarks>
/// The file holds the format name <c>distill-profile</c>, its version, the descriptor, the secret
/// in base64, and a checksum: XxHash64 (hex) of the descriptor's <see cref="SchemeDescriptor.Hash"/>
/// followed by the secret bytes. A truncated, edited or corrupt file is refused with an
/// <see cref="InvalidDataException"/> whose message names the file and never the secret.
/// </remarks>
public sealed class WatermarkProfile
{
    /// <summary>The value of the file's <c>format</c> field.</summary>
    public const string FormatName = "distill-profile";

    /// <summary>The version of the file format written by this library.</summary>
    public const int FormatVersion = 1;

    /// <summary>Creates a profile from a descriptor and the key it names.</summary>
    /// <param name="descriptor">The descriptor.</param>
    /// <param name="key">The key; its <see cref="WatermarkKey.KeyId"/> must equal the descriptor's.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The key is not the one the descriptor names.</exception>
    public WatermarkProfile(SchemeDescriptor descriptor, WatermarkKey key)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(key);
        if (!string.Equals(descriptor.KeyId, key.KeyId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The descriptor names key {descriptor.KeyId}, but the key given is {key.KeyId}.", nameof(key));
        }

        Descriptor = descriptor;
        Key = key;
    }

    /// <summary>Gets the descriptor.</summary>
    public SchemeDescriptor Descriptor { get; }

    /// <summary>Gets the secret key.</summary>
    public WatermarkKey Key { get; }

    /// <summary>Creates the scheme this profile describes.</summary>
    /// <returns>The scheme, ready for sessions and detection (detection under a reference filter needs <see cref="CreateScheme(IReadOnlyList{ReferenceCorpus})"/>).</returns>
    /// <exception cref="NotSupportedException">The descriptor names a scheme or version this release does not know.</exception>
    public WatermarkScheme CreateScheme() => CreateScheme(null);

    /// <summary>Creates the scheme this profile describes, with the reference corpora its filter names.</summary>
    /// <param name="references">
    /// The corpora of the descriptor's <see cref="SchemeDescriptor.Reference"/>, in order (Distill.Tokenizers'
    /// <c>ReferenceCorpora.Resolve</c> loads the built-in ones); ignored when the descriptor names none.
    /// Without them the scheme embeds, but detection throws <see cref="InvalidOperationException"/>.
    /// </param>
    /// <returns>The scheme, ready for sessions and detection.</returns>
    /// <exception cref="NotSupportedException">The descriptor names a scheme or version this release does not know, or a reference filter on a scheme without green lists.</exception>
    /// <exception cref="ArgumentException">The corpora are not the ones the descriptor names.</exception>
    public WatermarkScheme CreateScheme(IReadOnlyList<ReferenceCorpus>? references) =>
        Registry.SchemeRegistry.CreateScheme(Descriptor, Key, references);

    /// <summary>Writes the profile to <paramref name="path"/>, readable and writable by the owner only on Unix.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="overwrite">Whether to replace an existing file.</param>
    /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is <see langword="false"/>, or it cannot be written.</exception>
    public void Save(string path, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var document = new ProfileDocument
        {
            Format = FormatName,
            FormatVersion = FormatVersion,
            Descriptor = Descriptor,
            Secret = Key.ToBase64(),
            IntegerKey = Key.IsIntegerKey ? FormatIntegerKey(Key.IntegerWords) : null,
            Checksum = ComputeChecksum(Descriptor, Key),
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(document, DistillJsonContext.Default.ProfileDocument);
        if (!overwrite)
        {
            // O_CREAT | O_EXCL with mode 0600: the secret only ever lands in a new, owner-only file.
            WriteNewOwnerOnlyFile(path, json);
            return;
        }

        // Never write the secret into an existing file: its old mode (say 0644) would expose the
        // secret until a chmod, and a reader that opened it earlier keeps access after the chmod.
        // Write a new owner-only file beside it and rename it over the old one (atomic on Unix).
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            WriteNewOwnerOnlyFile(temporary, json);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static void WriteNewOwnerOnlyFile(string path, byte[] contents)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            // The create mode is subject to the umask; set it exactly, on the handle we hold.
            File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        stream.Write(contents);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads and verifies a profile file.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid, intact profile.</exception>
    public static WatermarkProfile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        return Parse(bytes, path);
    }

    /// <summary>Parses and verifies the bytes of a profile file.</summary>
    /// <param name="utf8Json">The file's contents.</param>
    /// <param name="source">A name for error messages (for example the path).</param>
    /// <returns>The profile.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a valid, intact profile.</exception>
    public static WatermarkProfile Parse(ReadOnlySpan<byte> utf8Json, string source = "profile")
    {
        ProfileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8Json, DistillJsonContext.Default.ProfileDocument);
        }
        catch (JsonException ex)
        {
            throw Corrupt(source, $"it is not valid profile JSON (line {ex.LineNumber + 1}); the file may be truncated or edited");
        }
        catch (ArgumentException ex)
        {
            // Options records validate their values when set: a profile with gamma 7 lands here.
            throw Corrupt(source, $"a parameter is invalid: {ex.Message}");
        }

        if (document is null)
        {
            throw Corrupt(source, "it is empty");
        }

        if (!string.Equals(document.Format, FormatName, StringComparison.Ordinal))
        {
            throw Corrupt(source, $"its format is '{document.Format}', not '{FormatName}'");
        }

        if (document.FormatVersion != FormatVersion)
        {
            throw Corrupt(source, $"its format version {document.FormatVersion} is not supported (this release reads version {FormatVersion})");
        }

        if (document.Descriptor is null || document.Secret is null || document.Checksum is null)
        {
            throw Corrupt(source, "the descriptor, secret or checksum is missing");
        }

        WatermarkKey key;
        try
        {
            key = WatermarkKey.FromBase64(document.Secret);
        }
        catch (FormatException)
        {
            throw Corrupt(source, "the secret is not a valid 32-byte key");
        }

        if (document.IntegerKey is { } words)
        {
            // The secret of an integer key is derived from its words: edited words no longer match it.
            WatermarkKey integerKey = ParseIntegerKey(words, source);
            if (!integerKey.Equals(key))
            {
                throw Corrupt(source, "its integer key does not match its secret");
            }

            key = integerKey;
        }

        if (!string.Equals(ComputeChecksum(document.Descriptor, key), document.Checksum, StringComparison.Ordinal))
        {
            throw Corrupt(source, "its checksum does not match its contents");
        }

        if (!string.Equals(document.Descriptor.KeyId, key.KeyId, StringComparison.Ordinal))
        {
            throw Corrupt(source, "its descriptor names another key");
        }

        return new WatermarkProfile(document.Descriptor, key);
    }

    private static string[] FormatIntegerKey(ReadOnlySpan<ulong> words)
    {
        var text = new string[words.Length];
        for (int i = 0; i < words.Length; i++)
        {
            text[i] = words[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return text;
    }

    private static WatermarkKey ParseIntegerKey(string[] text, string source)
    {
        if (text.Length is 0 or > WatermarkKey.MaxIntegerKeyWords)
        {
            throw Corrupt(source, $"its integer key has {text.Length} words (1 to {WatermarkKey.MaxIntegerKeyWords} allowed)");
        }

        var words = new ulong[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            if (!ulong.TryParse(text[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out words[i]))
            {
                throw Corrupt(source, "its integer key is not a list of unsigned 64-bit decimal integers");
            }
        }

        return WatermarkKey.FromIntegers(words);
    }

    private static string ComputeChecksum(SchemeDescriptor descriptor, WatermarkKey key)
    {
        var hash = new XxHash64(0);
        hash.Append(Encoding.ASCII.GetBytes(descriptor.Hash));
        Span<byte> secret = stackalloc byte[WatermarkKey.SizeInBytes];
        key.CopySecretTo(secret);
        hash.Append(secret);
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    private static InvalidDataException Corrupt(string source, string why) =>
        new($"The profile '{source}' cannot be used: {why}.");
}
