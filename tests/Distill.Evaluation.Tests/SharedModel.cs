namespace Distill.Evaluation.Tests;

/// <summary>The xUnit collection whose tests share one <see cref="ModelFixture"/> (the model is trained once per run).</summary>
[CollectionDefinition(Name)]
public sealed class SharedModel : ICollectionFixture<ModelFixture>
{
    public const string Name = "Built-in model";
}
