using System;
using System.Collections;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using SsmTroubleshoot.Tests.Loopback;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// Test-SsmEndpoint end to end through the module: nine endpoints on loopback, three of them black-holed, 3 s
/// timeout. Probes run at the same time, so the run should take about one timeout (3 s), not three (9 s).
/// </summary>
internal static class EndpointBenchmark
{
    private static readonly string[] Services = { "ssm", "ec2messages", "ssmmessages", "s3", "kms", "logs", "monitoring", "sts", "ec2" };
    private static readonly string[] BlackHoled = { "ec2messages", "kms", "monitoring" };

    public static int Run(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var manifest = Path.Combine(FindRoot(), "out", "SsmTroubleshoot", "SsmTroubleshoot.psd1");
        var work = Path.Combine(Path.GetTempPath(), "ssmts-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(work, "root"));
        try
        {
            using var ca = new TestCertificates("Amazon Benchmark Root");
            using var server = new LoopbackTlsServer(ca.IssueServer("*.us-east-1.amazonaws.com"));
            using var hole = new BlackHoleListener();
            var caPath = ca.WriteAuthority(work, pem: true);
            var overrides = new Hashtable();
            var hosts = new Hashtable();
            foreach (var service in Services)
            {
                var host = service + ".us-east-1.amazonaws.com";
                overrides[service] = host + ":" + (BlackHoled.Contains(service) ? hole.Port : server.Port);
                hosts[host] = "127.0.0.1";
            }

            var state = InitialSessionState.CreateDefault2();
            state.ThrowOnRunspaceOpenError = true;
            state.ImportPSModule(manifest);
            using var runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();

            var times = new double[runs];
            for (var i = 0; i < runs; i++)
            {
                using var ps = PowerShell.Create();
                ps.Runspace = runspace;
                ps.AddCommand("Test-SsmEndpoint").AddParameter("Region", "us-east-1").AddParameter("Service", Services)
                    .AddParameter("SkipImds").AddParameter("TimeoutSeconds", 3).AddParameter("EndpointOverride", overrides)
                    .AddParameter("HostAddressOverride", hosts).AddParameter("TrustedRootCertificatePath", caPath)
                    .AddParameter("FileSystemRoot", Path.Combine(work, "root"));
                var watch = Stopwatch.StartNew();
                var rows = ps.Invoke();
                times[i] = watch.Elapsed.TotalSeconds;
                var reachable = rows.Count(r => (bool)r.Properties["Reachable"].Value);
                Console.WriteLine($"run {i + 1}: {times[i]:F2} s, {rows.Count} endpoints, {reachable} reachable, {rows.Count - reachable} timed out");
            }

            Array.Sort(times);
            Console.WriteLine($"Test-SsmEndpoint, 9 endpoints, 3 black-holed, -TimeoutSeconds 3: median {times[runs / 2]:F2} s over {runs} runs (one timeout = 3 s; probing one after another would take at least 9 s)");
            return 0;
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SsmTroubleshoot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
