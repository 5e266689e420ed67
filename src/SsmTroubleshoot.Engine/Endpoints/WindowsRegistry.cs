using System;
using System.Runtime.InteropServices;

namespace SsmTroubleshoot.Endpoints;

/// <summary>Reads HKLM string values without Microsoft.Win32.Registry (not part of netstandard2.0).</summary>
internal static class WindowsRegistry
{
    private static readonly UIntPtr HkeyLocalMachine = new(0x80000002u);
    private const uint RrfRtRegSz = 0x00000002;

    public static string? ReadMachineString(string key, string value)
    {
        uint size = 0;
        if (RegGetValueW(HkeyLocalMachine, key, value, RrfRtRegSz, IntPtr.Zero, IntPtr.Zero, ref size) != 0 || size == 0)
        {
            return null;
        }

        var buffer = Marshal.AllocHGlobal((int)size);
        try
        {
            return RegGetValueW(HkeyLocalMachine, key, value, RrfRtRegSz, IntPtr.Zero, buffer, ref size) == 0 ? Marshal.PtrToStringUni(buffer) : null;
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    private static extern int RegGetValueW(UIntPtr hkey, string subKey, string value, uint flags, IntPtr type, IntPtr data, ref uint size);
}
