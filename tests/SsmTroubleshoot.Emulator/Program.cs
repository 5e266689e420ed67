namespace SsmTroubleshoot.Emulator;

internal static class Program
{
    private static int Main(string[] args)
    {
        System.Console.Error.WriteLine("emulator: not implemented yet");
        return args.Length >= 0 ? 3 : 0;
    }
}
