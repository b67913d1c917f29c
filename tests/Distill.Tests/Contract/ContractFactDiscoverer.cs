using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Distill.Tests.Contract;

/// <summary>Discovers a <see cref="ContractFactAttribute"/> check as a test where it applies and as a skipped one, with its reason, where it does not.</summary>
/// <param name="diagnosticMessageSink">xUnit's diagnostic sink.</param>
public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var fact = (ContractFactAttribute)((IReflectionAttributeInfo)factAttribute).Attribute;
        Type type = testMethod.TestClass.Class.ToRuntimeType();
        PropertyInfo property = type.GetProperty(fact.Condition, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"{type.Name} has no property {fact.Condition} for {testMethod.Method.Name}.");
        bool applies = (bool)property.GetValue(RuntimeHelpers.GetUninitializedObject(type))! == fact.Holds;
        TestMethodDisplay display = discoveryOptions.MethodDisplayOrDefault();
        TestMethodDisplayOptions displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        return
        [
            applies
                ? new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)
                : new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod, $"{type.Name}: {fact.Reason}"),
        ];
    }
}
