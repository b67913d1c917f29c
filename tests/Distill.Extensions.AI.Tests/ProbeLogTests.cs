using System;
using System.IO;
using System.Text;

namespace Distill.Extensions.AI.Tests;

public sealed class ProbeLogTests
{
    private const string Line1 = """{"id":"1","prompt":"a","response":"x","model":"m","finishReason":"stop","attempts":1,"error":null,"utc":"2026-01-01T00:00:00+00:00"}""";
    private const string Line2 = """{"id":"2","prompt":"b","response":null,"model":null,"finishReason":null,"attempts":3,"error":"HttpRequestException: down","utc":"2026-01-01T00:00:01+00:00"}""";

    [Fact]
    public void LinesRoundTrip()
    {
        using var dir = new TempDirectory();
        var record = new ProbeRecord { Id = "é", Prompt = "line\nbreak \"quoted\"", SystemPrompt = "be brief", Response = "résumé", Model = "m", FinishReason = "stop", Attempts = 2, Utc = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero) };
        using (ProbeLog log = ProbeLog.Open(dir.File("log.jsonl")))
        {
            log.Append(record);
            log.Append(new ProbeRecord { Id = "f", Prompt = "p", Attempts = 5, Error = "boom", Utc = DateTimeOffset.UnixEpoch });
        }

        Assert.Equal(2, File.ReadAllLines(dir.File("log.jsonl")).Length);
        using ProbeLog reopened = ProbeLog.Open(dir.File("log.jsonl"));
        Assert.Equal(record, reopened.Records[0]);
        Assert.False(reopened.Records[1].Succeeded);
        Assert.Equal(1, reopened.AnsweredCount);
    }

    [Fact]
    public void ATruncatedLastLineIsCutAwayAndItsPromptAskedAgain()
    {
        using var dir = new TempDirectory();
        string path = dir.File("log.jsonl");
        File.WriteAllText(path, Line1 + "\n" + Line2 + "\n" + Line1.Replace("\"1\"", "\"3\"", StringComparison.Ordinal)[..40]);
        using (ProbeLog log = ProbeLog.Open(path))
        {
            Assert.True(log.RepairedLastLine);
            Assert.Equal(2, log.Records.Count);
            Assert.False(log.TryGetAnswer("3", out _));
            log.Append(new ProbeRecord { Id = "3", Prompt = "c", Response = "z", Attempts = 1, Utc = DateTimeOffset.UnixEpoch });
        }

        Assert.Equal(3, File.ReadAllLines(path).Length);
        using ProbeLog again = ProbeLog.Open(path);
        Assert.False(again.RepairedLastLine);
        Assert.True(again.TryGetAnswer("3", out _));
    }

    [Fact]
    public void ACorruptLastLineWithItsNewlineIsCutAwayToo()
    {
        using var dir = new TempDirectory();
        string path = dir.File("log.jsonl");
        File.WriteAllText(path, Line1 + "\n" + "{\"id\":\"2\",\u0000garbage\n\n");
        using ProbeLog log = ProbeLog.Open(path);
        Assert.True(log.RepairedLastLine);
        Assert.Single(log.Records);
        Assert.Equal(Line1 + "\n", File.ReadAllText(path));
    }

    [Fact]
    public void ACompleteLastLineWithoutItsNewlineIsKept()
    {
        using var dir = new TempDirectory();
        string path = dir.File("log.jsonl");
        File.WriteAllText(path, Line1 + "\n" + Line2);
        using (ProbeLog log = ProbeLog.Open(path))
        {
            Assert.False(log.RepairedLastLine);
            Assert.Equal(2, log.Records.Count);
            log.Append(new ProbeRecord { Id = "3", Prompt = "c", Response = "z", Attempts = 1, Utc = DateTimeOffset.UnixEpoch });
        }

        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"id":"9","prompt":"p"}""")]
    [InlineData("[1,2]")]
    public void ACorruptLineBeforeTheLastIsRefused(string corrupt)
    {
        using var dir = new TempDirectory();
        string path = dir.File("log.jsonl");
        string content = Line1 + "\n" + corrupt + "\n" + Line2 + "\n";
        File.WriteAllText(path, content);
        var ex = Assert.Throws<InvalidDataException>(() => ProbeLog.Open(path));
        Assert.Contains(":2:", ex.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void TwoAnswersOrTwoTextsForOnePromptAreRefused()
    {
        using var dir = new TempDirectory();
        string path = dir.File("log.jsonl");
        File.WriteAllText(path, Line1 + "\n" + Line1 + "\n");
        Assert.Contains("two responses", Assert.Throws<InvalidDataException>(() => ProbeLog.Open(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(path, Line2 + "\n" + Line2.Replace("\"b\"", "\"c\"", StringComparison.Ordinal) + "\n");
        Assert.Contains("two different texts", Assert.Throws<InvalidDataException>(() => ProbeLog.Open(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALogHeldByOneProbeCannotBeOpenedByAnother()
    {
        using var dir = new TempDirectory();
        using ProbeLog log = ProbeLog.Open(dir.File("log.jsonl"));
        Assert.Throws<IOException>(() => ProbeLog.Open(dir.File("log.jsonl")));
    }

    [Fact]
    public void PromptFilesAreReadAsJsonLinesOrPlainText()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("p.jsonl"), "{\"id\":\"a\",\"text\":\"first\"}\n\n{\"id\":7,\"text\":\"second\"}\n{\"text\":\"third\"}\n");
        var jsonl = ProbePrompt.ReadFile(dir.File("p.jsonl"));
        Assert.Equal([new ProbePrompt("a", "first"), new ProbePrompt("7", "second"), new ProbePrompt("4", "third")], jsonl);
        File.WriteAllText(dir.File("p.txt"), "one\n\nthree\n", Encoding.UTF8);
        Assert.Equal([new ProbePrompt("1", "one"), new ProbePrompt("3", "three")], ProbePrompt.ReadFile(dir.File("p.txt")));

        Assert.Throws<FileNotFoundException>(() => ProbePrompt.ReadFile(dir.File("missing.txt")));
        File.WriteAllText(dir.File("dup.jsonl"), "{\"id\":1,\"text\":\"a\"}\n{\"id\":\"1\",\"text\":\"b\"}\n");
        Assert.Contains("used twice", Assert.Throws<InvalidDataException>(() => ProbePrompt.ReadFile(dir.File("dup.jsonl"))).Message, StringComparison.Ordinal);
        File.WriteAllText(dir.File("bad.jsonl"), "{\"id\":1,\"text\":\"a\"}\n{\"id\":2}\n");
        Assert.Contains("bad.jsonl:2:", Assert.Throws<InvalidDataException>(() => ProbePrompt.ReadFile(dir.File("bad.jsonl"))).Message, StringComparison.Ordinal);
        File.WriteAllText(dir.File("empty.txt"), "\n  \n");
        Assert.Throws<InvalidDataException>(() => ProbePrompt.ReadFile(dir.File("empty.txt")));
    }
}
