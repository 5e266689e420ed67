using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.Loader;

namespace SsmTroubleshoot.IsolationHost;

/// <summary>
/// usage: IsolationHost (before|after) &lt;module.psd1&gt; &lt;script&gt;
/// before: load the foreign AWSSDK.Core into the default context, then import the module and run the script.
/// after:  import the module and run the script, then load the foreign AWSSDK.Core and use it.
/// Prints "OUT: ..." per output object (its properties), "ERR: id" per error, "FOREIGN: path|version" and exits 0.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 3 || (args[0] != "before" && args[0] != "after"))
        {
            Console.Error.WriteLine("usage: IsolationHost (before|after) <module.psd1> <script>");
            return 2;
        }

        try
        {
            if (args[0] == "before")
            {
                UseForeignSdk();
            }

            RunModule(args[1], args[2]);
            if (args[0] == "after")
            {
                UseForeignSdk();
            }

            var loaded = AssemblyLoadContext.Default.Assemblies.Count(a => a.GetName().Name == "AWSSDK.Core");
            Console.WriteLine("DEFAULT-CONTEXT-AWSSDK-CORE: " + loaded);
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine("FATAL: " + ex.GetType().FullName + ": " + ex.Message);
            return 1;
        }
    }

    // Stands in for AWS.Tools.Common: its RequiredAssemblies load AWSSDK.Core by path into the default context.
    private static void UseForeignSdk()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "foreign-awssdk", "AWSSDK.Core.dll");
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        var credentialsType = assembly.GetType("Amazon.Runtime.BasicAWSCredentials", throwOnError: true)!;
        var credentials = Activator.CreateInstance(credentialsType, "AKIDFOREIGN", "not-a-secret")!;
        var immutable = credentialsType.GetMethod("GetCredentials")!.Invoke(credentials, null)!;
        var key = immutable.GetType().GetProperty("AccessKey")!.GetValue(immutable);
        var version = FileVersionInfo.GetVersionInfo(assembly.Location).FileVersion;
        Console.WriteLine($"FOREIGN: {assembly.Location}|{version}|{key}");
    }

    private static void RunModule(string manifest, string script)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ThrowOnRunspaceOpenError = true;
        state.ImportPSModule(manifest);
        using var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        foreach (var item in ps.Invoke())
        {
            var properties = item.Properties.Select(p => p.Name + "=" + p.Value);
            Console.WriteLine("OUT: " + string.Join(";", properties));
        }

        foreach (var error in ps.Streams.Error)
        {
            Console.WriteLine("ERR: " + error.FullyQualifiedErrorId + " " + error.Exception.Message);
        }
    }
}
