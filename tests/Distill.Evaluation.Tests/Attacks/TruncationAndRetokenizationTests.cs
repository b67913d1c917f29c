using System;
using System.Linq;
using Distill.Evaluation.Attacks;
using Distill.Tokenizers;

namespace Distill.Evaluation.Tests.Attacks;

public sealed class TruncationAndRetokenizationTests
{
    [Theory]
    [InlineData(0, 50)]
    [InlineData(10, 50)]
    [InlineData(50, 50)]
    [InlineData(80, 50)]
    public void Token_truncation_keeps_the_first_tokens(int maxTokens, int length)
    {
        int[] source = AttackAssert.Tokens(length, 3);
        TokenAttackResult result = new TokenTruncationAttack(maxTokens).Apply(source, 0);
        Assert.Equal(source.Take(maxTokens), result.Tokens.ToArray());
        Assert.Equal(Math.Max(0, length - maxTokens), result.Deleted);
    }

    [Fact]
    public void Text_truncation_keeps_the_first_characters_and_never_splits_a_surrogate_pair()
    {
        Assert.Equal("Hello", new TextTruncationAttack(5).Apply("Hello, world", 0).Text);
        Assert.Equal("a", new TextTruncationAttack(2).Apply("a\U0001F600b", 0).Text);
        Assert.Equal("a\U0001F600", new TextTruncationAttack(3).Apply("a\U0001F600b", 0).Text);
        Assert.Equal("short", new TextTruncationAttack(100).Apply("short", 0).Text);
    }

    [Fact]
    public void Retokenization_returns_the_tokens_of_the_decoded_text()
    {
        TextTokenizer tokenizer = BuiltInModel.Tokenizer;
        int[] source = tokenizer.EncodeToIds("The committee said on Tuesday that the plan would go ahead.");
        TokenAttackResult same = new RetokenizationAttack(tokenizer).Apply(source, 0);
        Assert.Equal(source, same.Tokens.ToArray());

        // Pieces of one word, as a generator can emit them, come back as the canonical segmentation.
        int[] pieces = [.. tokenizer.EncodeToIds(" commit"), .. tokenizer.EncodeToIds("tee")];
        TokenAttackResult merged = new RetokenizationAttack(tokenizer).Apply(pieces, 0);
        Assert.Equal(tokenizer.EncodeToIds(" committee"), merged.Tokens.ToArray());
        Assert.Equal(pieces.Length, merged.SourceCount);
    }
}
