using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Tokenizers;

namespace Distill.Evaluation.Tests;

[Collection(SharedModel.Name)]
public sealed class BrownCorpusTests
{
    private readonly ModelFixture _fixture;

    public BrownCorpusTests(ModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void Holds_500_documents_with_unique_ids_and_brown_genres()
    {
        IReadOnlyList<BrownDocument> documents = BrownCorpus.Documents;

        Assert.Equal(500, documents.Count);
        Assert.Equal(500, documents.Select(d => d.Id).Distinct().Count());
        Assert.Equal("ca01", documents[0].Id);
        Assert.Equal('A', documents[0].Genre);
        Assert.Equal("Press: reportage", documents[0].GenreName);
        Assert.StartsWith("The Fulton County Grand Jury said Friday", documents[0].Text, StringComparison.Ordinal);
        Assert.Equal("ABCDEFGHJKLMNPR", string.Concat(documents.Select(d => d.Genre).Distinct()));
        Assert.All(documents, d => Assert.Equal(d, documents[d.Index]));
        Assert.All(documents, d => Assert.True(d.Text.Length > 8000, d.Id));
    }

    [Fact]
    public void Splits_into_300_training_and_200_disjoint_held_out_documents_by_index()
    {
        IReadOnlyList<BrownDocument> training = BrownCorpus.TrainingDocuments;
        IReadOnlyList<BrownDocument> heldOut = BrownCorpus.HeldOutDocuments;

        Assert.Equal(300, training.Count);
        Assert.Equal(200, heldOut.Count);
        Assert.Empty(training.Select(d => d.Id).Intersect(heldOut.Select(d => d.Id)));
        Assert.Empty(training.Select(d => d.Text).Intersect(heldOut.Select(d => d.Text)));
        Assert.All(heldOut, d => Assert.True(d.Index % 5 is 0 or 3 && d.IsHeldOut));
        Assert.All(training, d => Assert.True(d.Index % 5 is 1 or 2 or 4 && !d.IsHeldOut));
        Assert.Equal(Enumerable.Range(0, 500), training.Concat(heldOut).Select(d => d.Index).Order());

        // Every genre appears on both sides of the split.
        Assert.Equal(BrownCorpus.Documents.Select(d => d.Genre).ToHashSet(), heldOut.Select(d => d.Genre).ToHashSet());
        Assert.Equal(BrownCorpus.Documents.Select(d => d.Genre).ToHashSet(), training.Select(d => d.Genre).ToHashSet());
        Assert.Throws<ArgumentOutOfRangeException>(() => BrownCorpus.IsHeldOutIndex(500));
    }

    [Fact]
    public void Training_ids_are_the_encoded_training_documents()
    {
        Assert.Equal(300, _fixture.Training.Count);
        Assert.Equal(_fixture.Tokenizer.EncodeToIds(BrownCorpus.TrainingDocuments[7].Text), _fixture.Training[7].ToArray());
        Assert.Equal(_fixture.Tokenizer.EncodeToIds(BrownCorpus.HeldOutDocuments[3].Text), _fixture.HeldOut[3].Ids.ToArray());
    }

    [Fact]
    public void Yields_at_least_2000_consecutive_non_overlapping_200_token_held_out_passages()
    {
        List<CorpusPassage> passages = BrownCorpus.HeldOutPassages(_fixture.Tokenizer, 200).ToList();

        Assert.True(passages.Count >= 2000, $"only {passages.Count} passages");
        Assert.All(passages, p => Assert.True(p.Document.IsHeldOut));
        Assert.All(passages, p => Assert.Equal(200, p.TokenCount));

        // In document order; within a document, back to back from the first token, dropping only a short tail.
        int expectedTotal = 0;
        for (int d = 0; d < _fixture.HeldOut.Count; d++)
        {
            TokenizedText encoding = _fixture.HeldOut[d];
            List<CorpusPassage> ofDocument = passages.Where(p => p.Document == BrownCorpus.HeldOutDocuments[d]).ToList();
            Assert.Equal(encoding.Count / 200, ofDocument.Count);
            expectedTotal += ofDocument.Count;
            for (int k = 0; k < ofDocument.Count; k++)
            {
                CorpusPassage passage = ofDocument[k];
                Assert.Equal(200 * k, passage.StartToken);
                Assert.True(passage.Tokens.Span.SequenceEqual(encoding.Ids.Span.Slice(200 * k, 200)));
                Assert.Equal(passage.Document.Text.Substring(passage.Span.Start, passage.Span.Length), passage.Text);
                if (k > 0)
                {
                    Assert.Equal(ofDocument[k - 1].Span.End, passage.Span.Start);
                }
            }
        }

        Assert.Equal(expectedTotal, passages.Count);
        Assert.Equal(
            passages.Select(p => p.Document.Index).ToList(),
            passages.Select(p => p.Document.Index).Order().ToList());
    }

    [Fact]
    public void Prompts_are_the_starts_of_passages_with_their_text()
    {
        List<CorpusPassage> passages = BrownCorpus.HeldOutPassages(_fixture.Tokenizer, 200).ToList();
        List<CorpusPassage> prompts = BrownCorpus.HeldOutPrompts(_fixture.Tokenizer, 32, 200).ToList();

        Assert.Equal(passages.Count, prompts.Count);
        for (int i = 0; i < prompts.Count; i += 37)
        {
            CorpusPassage prompt = prompts[i];
            CorpusPassage continuation = passages[i].Slice(32, 168);
            Assert.Equal(32, prompt.TokenCount);
            Assert.Equal(passages[i].StartToken, prompt.StartToken);
            Assert.True(prompt.Tokens.Span.SequenceEqual(passages[i].Tokens.Span[..32]));
            Assert.Equal(passages[i].Text, prompt.Text + continuation.Text);
            Assert.Equal(_fixture.Tokenizer.Decode(prompt.Tokens.Span), prompt.Text);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => BrownCorpus.HeldOutPrompts(_fixture.Tokenizer, 201, 200));
        Assert.Throws<ArgumentOutOfRangeException>(() => passages[0].Slice(150, 51));
    }
}
