using System;
using System.IO;
using SsmTroubleshoot.Automation;

namespace SsmTroubleshoot.Engine.Tests.Automation;

internal static class TestFiles
{
    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Automation", "TestData", name));

    /// <summary>A file of TestData/captured without its first line, the "# source: ..." line naming where the text comes from.</summary>
    public static string ReadCaptured(string name)
    {
        var text = Read(Path.Combine("captured", name));
        var firstLineEnd = text.IndexOf('\n');
        if (!text.StartsWith("# source: ", StringComparison.Ordinal) || firstLineEnd < 0)
        {
            throw new InvalidOperationException($"captured/{name} must start with a '# source: ' line.");
        }

        return text.Substring(firstLineEnd + 1);
    }

    public static RunbookDocument Document(string name) =>
        RunbookDocument.Parse(name, Read(name + ".json"));
}
