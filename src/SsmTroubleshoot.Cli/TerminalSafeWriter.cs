using System;
using System.Globalization;
using System.IO;
using System.Text;
using SsmTroubleshoot.Common;

namespace SsmTroubleshoot.Cli;

/// <summary>
/// Everything the CLI writes goes through here: control characters that came from log lines or server replies
/// (ESC sequences that recolour, move the cursor, retitle the window or hide text, a lone carriage return that
/// overwrites a line, C1 controls, bidirectional overrides) are shown as \u001B-style escapes instead of acting on
/// the terminal. Line ends and tabs pass. The escape is valid inside JSON strings too.
/// </summary>
internal sealed class TerminalSafeWriter : TextWriter
{
    private readonly TextWriter _inner;
    private bool _pendingReturn;
    private int _verbatim;

    public TerminalSafeWriter(TextWriter inner)
        : base(CultureInfo.InvariantCulture)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    }

    public override Encoding Encoding => _inner.Encoding;

    /// <summary>
    /// Until the scope is disposed, text is written with its command names as they are: the caller has spelt the prose
    /// for the command line and left data (a log line, a rule's pattern) as it was read.
    /// </summary>
    internal IDisposable Verbatim()
    {
        _verbatim++;
        return new VerbatimScope(this);
    }

    private sealed class VerbatimScope(TerminalSafeWriter writer) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                writer._verbatim--;
            }
        }
    }

    public override IFormatProvider FormatProvider => _inner.FormatProvider;

    /// <summary>The text as it will be written: unsafe characters escaped (a CR followed by LF is a line end).</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                builder.Append(c);
            }
            else if (IsUnsafe(c))
            {
                AppendEscape(builder, c);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    public override void Write(char value)
    {
        if (_pendingReturn)
        {
            _pendingReturn = false;
            if (value == '\n')
            {
                _inner.Write("\r\n");
                return;
            }

            _inner.Write(@"\u000D");
        }

        if (value == '\r')
        {
            _pendingReturn = true;
            return;
        }

        if (IsUnsafe(value))
        {
            var builder = new StringBuilder(6);
            AppendEscape(builder, value);
            _inner.Write(builder.ToString());
            return;
        }

        _inner.Write(value);
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        // The engines and rules name cmdlets and -Parameters; on the command line they name CLI and AWS CLI commands.
        // Tables and JSON come already spelt, with what was read (a log line, a pattern) left as it was.
        if (_verbatim == 0)
        {
            value = CommandSpelling.For(FrontEnd.CommandLine, value);
        }

        if (!_pendingReturn && value!.IndexOfAny(UnsafeSample) < 0 && !HasUnsafe(value))
        {
            _inner.Write(value);
            return;
        }

        foreach (var c in value!)
        {
            Write(c);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        if (buffer is null)
        {
            throw new ArgumentNullException(nameof(buffer));
        }

        Write(new string(buffer, index, count));
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write(CoreNewLine, 0, CoreNewLine.Length);
    }

    public override void Flush()
    {
        if (_pendingReturn)
        {
            _pendingReturn = false;
            _inner.Write(@"\u000D");
        }

        _inner.Flush();
    }

    public override System.Threading.Tasks.Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    public override System.Threading.Tasks.Task WriteAsync(string? value)
    {
        Write(value);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    public override System.Threading.Tasks.Task FlushAsync()
    {
        Flush();
        return System.Threading.Tasks.Task.CompletedTask;
    }

    public override string ToString() => _inner.ToString() ?? string.Empty;

    private static readonly char[] UnsafeSample = { '\u001b', '\r', '\u009b', '\u0007', '\b' };

    private static bool HasUnsafe(string value)
    {
        foreach (var c in value)
        {
            if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    // C0 controls but line feed and tab, DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
    private static bool IsUnsafe(char c) =>
        (c < ' ' && c != '\n' && c != '\t') || c == '\u007f' || (c >= '\u0080' && c <= '\u009f')
        || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');

    private static void AppendEscape(StringBuilder builder, char c) =>
        builder.Append(@"\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
}
