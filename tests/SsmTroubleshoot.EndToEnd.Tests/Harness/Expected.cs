using System;
using System.IO;
using Xunit;

namespace SsmTroubleshoot.EndToEnd.Tests.Harness;

/// <summary>
/// Expected screen text in Expected/&lt;name&gt;.txt, compared after <see cref="Masks"/>. UPDATE_EXPECTED=1 writes the
/// actual text instead (review the diff before committing).
/// </summary>
public static class Expected
{
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "SsmTroubleshoot.EndToEnd.Tests", "Expected");

    public static void Matches(string name, string actual)
    {
        var path = Path.Combine(Folder, name + ".txt");
        actual = actual.TrimEnd('\n') + "\n";
        var expected = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        var left = expected is null ? null : Masks.Apply(expected);
        var right = Masks.Apply(actual);
        if (Environment.GetEnvironmentVariable("UPDATE_EXPECTED") == "1")
        {
            // Only a real change is written: ids, ports and run times alone leave the file as it is.
            if (left != right)
            {
                Directory.CreateDirectory(Folder);
                File.WriteAllText(path, actual);
            }

            return;
        }

        Assert.True(expected is not null, $"{path} does not exist: run with UPDATE_EXPECTED=1 to create it from:\n{actual}");
        if (left != right)
        {
            Assert.Fail($"{name}: the screen differs from Expected/{name}.txt (UPDATE_EXPECTED=1 rewrites it).\n{Diff(left!, right)}\n--- screen ---\n{actual}");
        }
    }

    internal static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "(end)";
            var right = i < a.Length ? a[i] : "(end)";
            if (left != right)
            {
                return $"first difference at line {i + 1}:\n  expected: {left}\n  actual:   {right}";
            }
        }

        return "(only line ends differ)";
    }
}
