using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SsmTroubleshoot.Common;

/// <summary>
/// Tells regular files from named pipes, devices and sockets before they are opened: opening a FIFO for reading
/// blocks until some writer opens it (forever, and deaf to Ctrl+C), and a device can be endless.
/// </summary>
public static class FileKinds
{
    // The runtime's own stat shim (libSystem.Native ships with every .NET on Linux and macOS): its FileStatus starts
    // with Flags and Mode (two ints), and Mode's type bits use these values on every platform.
    private const int TypeMask = 0xF000;
    private const int Fifo = 0x1000;
    private const int CharacterDevice = 0x2000;
    private const int Directory = 0x4000;
    private const int BlockDevice = 0x6000;
    private const int Regular = 0x8000;
    private const int Socket = 0xC000;

    private static bool s_unavailable;

    /// <summary>
    /// Null for a regular file (or a link to one, or when the kind cannot be told: Windows, an old runtime); otherwise
    /// what the path is, in words: "a named pipe (FIFO)", "a character device", "a socket", "a block device".
    /// </summary>
    public static string? NotRegular(string path)
    {
        if (string.IsNullOrEmpty(path) || s_unavailable || RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return null;
        }

        int mode;
        try
        {
            var status = new byte[512];
            if (NativeMethods.Stat(path, status) != 0)
            {
                return null; // missing or unreadable: the open that follows reports it in its own words
            }

            mode = BitConverter.ToInt32(status, 4);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            s_unavailable = true;
            return null;
        }

        return (mode & TypeMask) switch
        {
            Regular or Directory or 0 => null,
            Fifo => "a named pipe (FIFO)",
            CharacterDevice => "a character device",
            BlockDevice => "a block device",
            Socket => "a socket",
            _ => "not a regular file",
        };
    }

    /// <summary>Whether the path can be read as a log: a regular file, or of a kind that cannot be told.</summary>
    public static bool IsRegular(string path) => NotRegular(path) is null;

    private static class NativeMethods
    {
        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        internal static extern int Stat(string path, byte[] output);
    }
}

/// <summary>A log path that is not a regular file (a named pipe, a device, a socket): it is not opened.</summary>
public sealed class NotRegularFileException : IOException
{
    public NotRegularFileException(string path, string kind)
        : base($"'{path}' is {kind}, not a regular file: only regular files are read (a pipe or device could block or never end).")
    {
        Path = path;
        Kind = kind;
    }

    public NotRegularFileException()
    {
        Path = string.Empty;
        Kind = string.Empty;
    }

    public NotRegularFileException(string message)
        : base(message)
    {
        Path = string.Empty;
        Kind = string.Empty;
    }

    public NotRegularFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
        Kind = string.Empty;
    }

    public string Path { get; }

    public string Kind { get; }
}
