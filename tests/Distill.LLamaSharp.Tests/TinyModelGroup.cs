namespace Distill.LLamaSharp.Tests;

/// <summary>The tests that share the one loaded tiny model.</summary>
[CollectionDefinition(Name)]
public sealed class TinyModelGroup : ICollectionFixture<TinyModelFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "tiny llama.cpp model";
}
