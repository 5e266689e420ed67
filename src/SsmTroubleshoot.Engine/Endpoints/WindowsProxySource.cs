using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace SsmTroubleshoot.Endpoints;

/// <summary>The live Windows proxy sources: the service's registry Environment value, machine variables, WinHTTP.</summary>
public sealed class WindowsProxySource : IWindowsProxySource
{
    private static readonly UIntPtr HkeyLocalMachine = new(0x80000002u);
    private const uint RrfRtRegMultiSz = 0x00000020;
    private const int ErrorSuccess = 0;
    private const int WinHttpAccessTypeNamedProxy = 3;

    public IReadOnlyList<string>? ServiceEnvironment()
    {
        const string key = @"SYSTEM\CurrentControlSet\Services\AmazonSSMAgent";
        uint size = 0;
        if (RegGetValueW(HkeyLocalMachine, key, "Environment", RrfRtRegMultiSz, IntPtr.Zero, IntPtr.Zero, ref size) != ErrorSuccess || size == 0)
        {
            return null;
        }

        var buffer = Marshal.AllocHGlobal((int)size);
        try
        {
            if (RegGetValueW(HkeyLocalMachine, key, "Environment", RrfRtRegMultiSz, IntPtr.Zero, buffer, ref size) != ErrorSuccess)
            {
                return null;
            }

            var text = Marshal.PtrToStringUni(buffer, (int)size / 2) ?? string.Empty;
            return text.Split(new[] { '\0' }, StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    public string? MachineVariable(string name) => Environment.GetEnvironmentVariable(name, EnvironmentVariableTarget.Machine);

    public (string Proxy, string? Bypass)? WinHttpProxy()
    {
        var info = default(WinHttpProxyInfo);
        if (!WinHttpGetDefaultProxyConfiguration(ref info))
        {
            return null;
        }

        try
        {
            var proxy = info.Proxy == IntPtr.Zero ? null : Marshal.PtrToStringUni(info.Proxy);
            var bypass = info.ProxyBypass == IntPtr.Zero ? null : Marshal.PtrToStringUni(info.ProxyBypass);
            return info.AccessType == WinHttpAccessTypeNamedProxy && !string.IsNullOrEmpty(proxy) ? (proxy!, bypass) : null;
        }
        finally
        {
            if (info.Proxy != IntPtr.Zero)
            {
                GlobalFree(info.Proxy);
            }

            if (info.ProxyBypass != IntPtr.Zero)
            {
                GlobalFree(info.ProxyBypass);
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WinHttpProxyInfo
    {
        public int AccessType;
        public IntPtr Proxy;
        public IntPtr ProxyBypass;
    }

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    private static extern int RegGetValueW(UIntPtr hkey, string subKey, string value, uint flags, IntPtr type, IntPtr data, ref uint size);

    [DllImport("winhttp.dll", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool WinHttpGetDefaultProxyConfiguration(ref WinHttpProxyInfo info);

    [DllImport("kernel32.dll")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    private static extern IntPtr GlobalFree(IntPtr memory);
}
