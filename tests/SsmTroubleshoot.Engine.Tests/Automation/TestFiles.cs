using System;
using System.IO;
using SsmTroubleshoot.Automation;

namespace SsmTroubleshoot.Engine.Tests.Automation;

internal static class TestFiles
{
    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Automation", "TestData", name));

    public static RunbookDocument Document(string name) =>
        RunbookDocument.Parse(name, Read(name + ".json"));
}
