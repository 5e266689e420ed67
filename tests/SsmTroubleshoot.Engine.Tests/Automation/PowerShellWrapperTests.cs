using System.Collections;
using SsmTroubleshoot.Automation;
using Xunit;

namespace System.Management.Automation
{
    /// <summary>Stand-in with PowerShell's type name: the engine recognises the wrapper by name, not by reference.</summary>
    internal sealed class PSObject
    {
        public PSObject(object baseObject) => BaseObject = baseObject;

        public object BaseObject { get; }

        public override string ToString() => "PSObject wrapper";
    }
}

namespace SsmTroubleshoot.Engine.Tests.Automation
{
    public sealed class PowerShellWrapperTests
    {
        [Fact]
        public void Wrapped_values_and_array_items_are_unwrapped()
        {
            var doc = TestFiles.Document("AllParameterTypes");
            var result = ParameterValidator.Validate(doc, new Hashtable
            {
                ["InstanceId"] = new System.Management.Automation.PSObject("i-0123456789abcdef0"),
                ["Ports"] = new object[] { new System.Management.Automation.PSObject("443"), "8443" },
                ["Retries"] = new System.Management.Automation.PSObject(4),
            });

            Assert.True(result.IsValid, result.Summary());
            Assert.Equal(new[] { "i-0123456789abcdef0" }, result.Parameters["InstanceId"]);
            Assert.Equal(new[] { "443", "8443" }, result.Parameters["Ports"]);
            Assert.Equal(new[] { "4" }, result.Parameters["Retries"]);
        }
    }
}
