using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Distill.Detection;
using Distill.GreenList;
using Microsoft.Win32.SafeHandles;

namespace Distill.Tests.Profiles;

public sealed class WatermarkProfileTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode WorldReadable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const int VocabularySize = 1_000;

    private readonly string _directory = Directory.CreateTempSubdirectory("distill-profile-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(KgwSeeding.SelfHash)]
    [InlineData(KgwSeeding.LeftHash)]
    public void Save_then_Load_round_trips(KgwSeeding seeding)
    {
        WatermarkKey key = TestData.KeyFor(11);
        KgwOptions options = seeding == KgwSeeding.SelfHash ? KgwOptions.Default : KgwOptions.LeftHash with { Gamma = 0.4, Delta = 3.5 };
        var scheme = KgwScheme.Create(key, options, VocabularySize, "test-tokenizer");
        string path = PathOf("round-trip.json");
        new WatermarkProfile(scheme.Descriptor, key).Save(path);

        WatermarkProfile loaded = WatermarkProfile.Load(path);
        Assert.Equal(scheme.Descriptor.Hash, loaded.Descriptor.Hash);
        Assert.Equal(scheme.Descriptor, loaded.Descriptor);
        Assert.Equal(key, loaded.Key);
        Assert.Equal(key.ToBytes(), loaded.Key.ToBytes());

        var fromProfile = Assert.IsType<KgwScheme>(loaded.CreateScheme());
        Assert.Equal(scheme.Descriptor.Hash, fromProfile.Descriptor.Hash);

        int[] tokens = Generate(scheme, new Random(5), 300);
        DetectionResult expected = scheme.Detect(tokens);
        DetectionResult actual = fromProfile.Detect(tokens);
        Assert.True(expected.IsWatermarked(1e-6), expected.ToString());
        Assert.Equal(expected.ScoredTokens, actual.ScoredTokens);
        Assert.Equal(expected.GreenTokens, actual.GreenTokens);
        Assert.Equal(expected.SkippedRepeated, actual.SkippedRepeated);
        Assert.Equal(expected.Log10PValue, actual.Log10PValue);
        Assert.Equal(expected.DescriptorHash, actual.DescriptorHash);

        // A scheme with another key does not detect these tokens, so the comparison above means something.
        Assert.False(KgwScheme.Create(TestData.KeyFor(12), options, VocabularySize, "test-tokenizer").Detect(tokens).IsWatermarked(1e-3));

        // Embedding agrees bit for bit too.
        var random = new Random(6);
        WatermarkSession a = scheme.CreateSession([1, 2, 3, 4]);
        WatermarkSession b = fromProfile.CreateSession([1, 2, 3, 4]);
        for (int step = 0; step < 20; step++)
        {
            float[] logits = RandomLogits(random);
            float[] copy = (float[])logits.Clone();
            a.ProcessLogits(logits);
            b.ProcessLogits(copy);
            Assert.Equal(logits, copy);
            int token = random.Next(VocabularySize);
            a.Accept(token);
            b.Accept(token);
        }
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public void Saved_file_is_readable_by_its_owner_only()
    {
        string path = PathOf("owner-only.json");
        Profile().Save(path);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public void Overwriting_a_world_readable_file_leaves_it_owner_only()
    {
        string path = PathOf("overwrite.json");
        File.WriteAllText(path, "previous contents");
        File.SetUnixFileMode(path, WorldReadable);
        Assert.Equal(WorldReadable, File.GetUnixFileMode(path));

        Profile().Save(path, overwrite: true);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(Profile().Descriptor.Hash, WatermarkProfile.Load(path).Descriptor.Hash);

        // Twice, and nothing is left behind beside it.
        Profile(TestData.KeyFor(3)).Save(path, overwrite: true);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(TestData.KeyFor(3), WatermarkProfile.Load(path).Key);
        Assert.Equal([path], Directory.GetFileSystemEntries(_directory));
    }

    [LinuxFact]
    [SupportedOSPlatform("linux")]
    public void Overwriting_never_writes_the_secret_into_the_old_world_readable_file()
    {
        // Another user opened the old 0644 file (it was world-readable, so they could) and keeps
        // the descriptor. Changing the mode afterwards does not revoke that access: the secret must
        // go to a new file that replaces the old one, never into the old file itself.
        string path = PathOf("watched.json");
        File.WriteAllText(path, "previous contents");
        File.SetUnixFileMode(path, WorldReadable);
        using SafeFileHandle reader = OpenWithoutLocking(path);

        WatermarkProfile profile = Profile();
        profile.Save(path, overwrite: true);

        var buffer = new byte[4096];
        int read = RandomAccess.Read(reader, buffer, 0);
        string seen = Encoding.UTF8.GetString(buffer, 0, read);
        Assert.DoesNotContain(profile.Key.ToBase64(), seen, StringComparison.Ordinal);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(profile.Key, WatermarkProfile.Load(path).Key);
    }

    [Fact]
    public void Save_without_overwrite_refuses_an_existing_file_and_leaves_it_alone()
    {
        string path = PathOf("existing.json");
        byte[] before = Encoding.UTF8.GetBytes("{\"keep\": true}");
        File.WriteAllBytes(path, before);
        UnixFileMode mode = default;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, WorldReadable);
            mode = File.GetUnixFileMode(path);
        }

        Assert.Throws<IOException>(() => Profile().Save(path));
        Assert.Throws<IOException>(() => Profile().Save(path, overwrite: false));
        Assert.Equal(before, File.ReadAllBytes(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(mode, File.GetUnixFileMode(path));
        }

        // And a valid profile is not replaced either.
        string valid = PathOf("valid.json");
        Profile().Save(valid);
        byte[] saved = File.ReadAllBytes(valid);
        Assert.Throws<IOException>(() => new WatermarkProfile(Profile(TestData.KeyFor(2)).Descriptor, TestData.KeyFor(2)).Save(valid));
        Assert.Equal(saved, File.ReadAllBytes(valid));
    }

    [Fact]
    public void Every_truncation_of_a_valid_file_is_refused()
    {
        string valid = PathOf("valid.json");
        WatermarkProfile profile = Profile();
        profile.Save(valid);
        byte[] bytes = File.ReadAllBytes(valid);
        Assert.True(bytes.Length > 200);

        string path = PathOf("truncated.json");
        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            AssertRefused(path, profile.Key, $"prefix of {length} of {bytes.Length} bytes");
        }

        File.WriteAllBytes(path, bytes);
        Assert.Equal(profile.Key, WatermarkProfile.Load(path).Key);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(31)]
    public void A_flipped_byte_of_the_secret_is_refused(int index)
    {
        WatermarkProfile profile = Profile();
        string text = SavedText(profile);
        byte[] secret = profile.Key.ToBytes();
        foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
        {
            byte[] flipped = (byte[])secret.Clone();
            flipped[index] ^= mask;
            string edited = ReplaceOnce(text, profile.Key.ToBase64(), Convert.ToBase64String(flipped));
            AssertRefused(Write("flipped-secret.json", edited), profile.Key, $"byte {index} ^ {mask:x2}");
            AssertRefused(Write("flipped-secret.json", edited), WatermarkKey.FromBytes(flipped), $"byte {index} ^ {mask:x2}");
        }
    }

    [Fact]
    public void A_changed_character_of_the_secret_text_is_refused()
    {
        WatermarkProfile profile = Profile();
        string text = SavedText(profile);
        string base64 = profile.Key.ToBase64();
        int start = text.IndexOf(base64, StringComparison.Ordinal);
        Assert.True(start > 0);

        // Every character but the last data character (whose two low bits are padding) carries secret bits.
        for (int i = 0; i < base64.Length - 2; i++)
        {
            foreach (char replacement in new[] { base64[i] == 'A' ? 'B' : 'A', '*' })
            {
                var chars = text.ToCharArray();
                chars[start + i] = replacement;
                AssertRefused(Write("changed-secret.json", new string(chars)), profile.Key, $"secret character {i} -> '{replacement}'");
            }
        }
    }

    [Theory]
    [InlineData("\"gamma\": 0.25", "\"gamma\": 0.3", "checksum")]
    [InlineData("\"gamma\": 0.25", "\"gamma\": 7", "invalid")]
    [InlineData("\"gamma\": 0.25", "\"gamma\": \"0.25\"", "not valid profile JSON")]
    [InlineData("\"delta\": 2", "\"delta\": 2.5", "checksum")]
    [InlineData("\"delta\": 2", "\"delta\": 0", "invalid")]
    [InlineData("\"contextWidth\": 4", "\"contextWidth\": 3", "checksum")]
    [InlineData("\"contextWidth\": 4", "\"contextWidth\": 99", "invalid")]
    [InlineData("\"seeding\": \"SelfHash\"", "\"seeding\": \"LeftHash\"", "checksum")]
    [InlineData("\"vocabularySize\": 1000", "\"vocabularySize\": 1001", "checksum")]
    [InlineData("\"tokenizer\": \"test-tokenizer\"", "\"tokenizer\": \"other\"", "checksum")]
    [InlineData("\"format\": \"distill-profile\"", "\"format\": \"distill-profil\"", "format")]
    [InlineData("\"format\": \"distill-profile\"", "\"format\": null", "format")]
    [InlineData("\"formatVersion\": 1", "\"formatVersion\": 2", "version")]
    [InlineData("\"formatVersion\": 1", "\"formatVersion\": 0", "version")]
    [InlineData("\"checksum\": \"", "\"checksum\": \"0", "checksum")]
    [InlineData("\"format\": \"distill-profile\",", "\"format\": \"distill-profile\", \"unknown\": 1,", "not valid profile JSON")]
    public void An_edited_file_is_refused(string original, string replacement, string reason)
    {
        WatermarkProfile profile = Profile();
        string edited = ReplaceOnce(SavedText(profile), original, replacement);
        var ex = AssertRefused(Write("edited.json", edited), profile.Key, $"{original} -> {replacement}");
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_descriptor_naming_another_key_is_refused()
    {
        // Consistent checksum, but the descriptor names another key than the secret.
        WatermarkKey other = TestData.KeyFor(99);
        WatermarkProfile profile = Profile();
        string text = ReplaceOnce(SavedText(profile), profile.Key.KeyId, other.KeyId);
        AssertRefused(Write("other-key.json", text), profile.Key, "key id edited");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json at all")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("\"distill-profile\"")]
    [InlineData("{\"format\": \"distill-profile\", \"formatVersion\": 1}")]
    public void Garbage_is_refused(string contents)
    {
        AssertRefused(Write("garbage.json", contents), TestData.FixedKey, $"'{contents}'");
    }

    [Fact]
    public void Random_bytes_are_refused()
    {
        var random = new Random(17);
        for (int i = 0; i < 20; i++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            string path = PathOf("binary.json");
            File.WriteAllBytes(path, bytes);
            AssertRefused(path, TestData.FixedKey, $"random bytes #{i}");
        }
    }

    [Fact]
    public void Loading_a_missing_file_throws_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => WatermarkProfile.Load(PathOf("missing.json")));
    }

    [Fact]
    public void A_profile_for_an_unknown_scheme_loads_but_cannot_create_a_scheme()
    {
        WatermarkKey key = TestData.KeyFor(21);
        var descriptor = new SchemeDescriptor
        {
            Scheme = "future-scheme",
            SchemeVersion = 3,
            PrfVersion = 2,
            VocabularySize = 50_000,
            Tokenizer = "future-tokenizer",
            KeyId = key.KeyId,
        };
        string path = PathOf("future.json");
        new WatermarkProfile(descriptor, key).Save(path);
        WatermarkProfile loaded = WatermarkProfile.Load(path);
        Assert.Equal(descriptor, loaded.Descriptor);
        Assert.Equal(descriptor.Hash, loaded.Descriptor.Hash);
        Assert.Equal(key, loaded.Key);
        Assert.Throws<NotSupportedException>(loaded.CreateScheme);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(1, 2)]
    public void A_profile_for_an_unknown_kgw_version_cannot_create_a_scheme(int schemeVersion, int prfVersion)
    {
        // CreateScheme documents NotSupportedException for "a scheme or version this release does not know".
        WatermarkKey key = TestData.KeyFor(22);
        SchemeDescriptor descriptor = KgwScheme.Create(key, KgwOptions.Default, VocabularySize).Descriptor with { SchemeVersion = schemeVersion, PrfVersion = prfVersion };
        string path = PathOf("future-kgw.json");
        new WatermarkProfile(descriptor, key).Save(path);
        WatermarkProfile loaded = WatermarkProfile.Load(path);
        Assert.Equal(descriptor, loaded.Descriptor);
        Assert.Throws<NotSupportedException>(loaded.CreateScheme);
    }

    [Fact]
    public void A_profile_needs_the_key_its_descriptor_names()
    {
        SchemeDescriptor descriptor = Profile().Descriptor;
        var ex = Assert.Throws<ArgumentException>(() => new WatermarkProfile(descriptor, TestData.KeyFor(1)));
        Assert.Equal("key", ex.ParamName);
        Assert.DoesNotContain(TestData.KeyFor(1).ToBase64(), ex.Message, StringComparison.Ordinal);
        Assert.Equal("descriptor", Assert.Throws<ArgumentNullException>(() => new WatermarkProfile(null!, TestData.FixedKey)).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentNullException>(() => new WatermarkProfile(descriptor, null!)).ParamName);
    }

    private static WatermarkProfile Profile(WatermarkKey? key = null)
    {
        key ??= TestData.FixedKey;
        return new WatermarkProfile(KgwScheme.Create(key, KgwOptions.Default, VocabularySize, "test-tokenizer").Descriptor, key);
    }

    private static InvalidDataException AssertRefused(string path, WatermarkKey key, string what)
    {
        Exception? caught = Record.Exception(() => WatermarkProfile.Load(path));
        if (caught is not InvalidDataException ex)
        {
            throw new Xunit.Sdk.XunitException($"{what}: expected InvalidDataException, got {caught?.GetType().Name ?? "success"}: {caught?.Message}");
        }

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key.ToBase64(), ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key.ToBase64()[..12], ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(key.ToBytes()), ex.Message, StringComparison.OrdinalIgnoreCase);
        return ex;
    }

    private static string ReplaceOnce(string text, string original, string replacement)
    {
        int at = text.IndexOf(original, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{original}' is not in the saved profile:\n{text}");
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + original.Length));
    }

    private static float[] RandomLogits(Random random)
    {
        var logits = new float[VocabularySize];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)(random.NextDouble() * 8.0);
        }

        return logits;
    }

    // Greedy generation from random logits: strongly watermarked tokens.
    private static int[] Generate(KgwScheme scheme, Random random, int count) =>
        TestData.GreedyWatermarked(scheme.CreateSession([7, 8, 9]), random, count, 8.0);

    private static SafeFileHandle OpenWithoutLocking(string path)
    {
        // A plain open(2), as any other process would do (FileStream would take an advisory lock).
        int fd = NativeMethods.Open(Encoding.UTF8.GetBytes(path + "\0"), 0);
        Assert.True(fd >= 0, $"open({path}) failed: {Marshal.GetLastPInvokeError()}");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private string SavedText(WatermarkProfile profile)
    {
        string path = PathOf($"saved-{Guid.NewGuid():N}.json");
        profile.Save(path);
        return File.ReadAllText(path);
    }

    private string Write(string name, string contents)
    {
        string path = PathOf(name);
        File.WriteAllText(path, contents);
        return path;
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open(byte[] nullTerminatedUtf8Path, int flags);
    }
}
