using System.Management.Automation;

namespace SsmTroubleshoot.Loading;

/// <summary>
/// Runs when PowerShell imports the module: installs the resolver that serves the engine and the AWS SDK
/// from the module's own dependencies/ folder, apart from any other module's copies.
/// </summary>
public sealed class ModuleAssemblyInitializer : IModuleAssemblyInitializer
{
    public void OnImport() => DependencyIsolation.Install();
}
