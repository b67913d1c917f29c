using System;
using Xunit.Sdk;

namespace Distill.Tests.Contract;

/// <summary>
/// A contract check that applies only to the schemes whose test class says so: it runs where the
/// class's boolean property <see cref="Condition"/> equals <see cref="Holds"/>, and is reported as
/// skipped, with <see cref="Reason"/>, everywhere else (never passed without checking).
/// </summary>
/// <remarks>
/// The property is read at discovery on an uninitialized instance of the concrete test class, so it
/// must be a constant of the class (an expression-bodied override), not state set by a constructor.
/// </remarks>
/// <param name="condition">The name of the test class's boolean property (use <see langword="nameof"/>).</param>
/// <param name="holds">The value of the property for which the check applies.</param>
/// <param name="reason">Why the check does not apply to the other schemes (the skip reason).</param>
[XunitTestCaseDiscoverer("Distill.Tests.Contract.ContractFactDiscoverer", "Distill.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ContractFactAttribute(string condition, bool holds, string reason) : FactAttribute
{
    /// <summary>Gets the name of the test class's boolean property.</summary>
    public string Condition { get; } = condition;

    /// <summary>Gets the value of the property for which the check applies.</summary>
    public bool Holds { get; } = holds;

    /// <summary>Gets why the check does not apply to the other schemes.</summary>
    public string Reason { get; } = reason;
}
