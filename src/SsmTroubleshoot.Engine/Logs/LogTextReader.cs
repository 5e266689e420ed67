using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;

namespace SsmTroubleshoot.Logs;

/// <summary>
/// Streams a log as blocks of whole lines: detects gzip, the encoding (UTF-8 with or without BOM, UTF-16 LE/BE)
/// and binary content, and caps every line so that a 50 MB line keeps only its first <see cref="MaxLineChars"/>.
/// </summary>
internal sealed class LogTextReader : IDisposable
{
    internal const string TruncationMarker = " …[line truncated]";

    private const int ReadBytes = 256 * 1024;
    private const int HeadBytes = 8 * 1024;

    private readonly Stream _stream;
    private readonly Stream _file;
    private readonly Decoder _decoder;
    private readonly byte[] _bytes = new byte[ReadBytes];
    private readonly char[] _chars;
    private readonly int _blockChars;
    private readonly uint? _gzipTrailerSize;
    private readonly uint _gzipTrailerCrc;
    private byte[]? _head;
    private int _headLength;
    private int _headOffset;
    // Text read but not handed out yet is _buf[_begin.._len): blocks are cut from the front without moving the rest.
    private char[] _buf;
    private int _begin;
    private int _len;
    private int _lineLength;
    private bool _eof;
    private long _decompressed;
    private readonly long _initialLength;

    private LogTextReader(Stream file, Stream stream, uint? gzipTrailerSize, uint gzipTrailerCrc, int blockChars, int maxLineChars)
    {
        _file = file;
        _stream = stream;
        _gzipTrailerSize = gzipTrailerSize;
        _gzipTrailerCrc = gzipTrailerCrc;
        _blockChars = blockChars;
        MaxLineChars = maxLineChars;
        IsGzip = gzipTrailerSize.HasValue;
        _initialLength = file.CanSeek ? file.Length : -1;
        _head = new byte[HeadBytes];
        _headLength = ReadFully(_head, 0, HeadBytes);
        Encoding = DetectEncoding(_head, _headLength, out var bomLength, out var binary);
        IsBinary = binary;
        _headOffset = bomLength;
        _decoder = Encoding.GetDecoder();
        _chars = new char[Encoding.GetMaxCharCount(ReadBytes)];
        _buf = new char[blockChars + 2 * maxLineChars + 1024];
    }

    public Encoding Encoding { get; }

    /// <summary>NUL bytes in the first block of a file that is not UTF-16: not a text log.</summary>
    public bool IsBinary { get; }

    public bool IsGzip { get; }

    public int MaxLineChars { get; }

    /// <summary>Lines longer than <see cref="MaxLineChars"/> (only their start was kept).</summary>
    public int TruncatedLines { get; private set; }

    /// <summary>Position in the underlying file, for progress.</summary>
    public long Position => _file.CanSeek ? _file.Position : 0;

    public long Length => _file.CanSeek ? _file.Length : 0;

    /// <summary>Set at the end of a .gz file whose data stopped early or whose trailer does not match.</summary>
    public string? CorruptionMessage { get; private set; }

    /// <summary>Set at the end of a file that got shorter while it was read (truncated by log rotation): the rest was not read.</summary>
    public string? ShrankMessage { get; private set; }

    public static LogTextReader Open(string path, int blockChars, int maxLineChars)
    {
        // The agent keeps writing its log: share read/write/delete so neither side fails.
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        try
        {
            return FromStream(file, blockChars, maxLineChars);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public static LogTextReader FromStream(Stream file, int blockChars, int maxLineChars)
    {
        uint? trailer = null;
        uint crc = 0;
        Stream stream = file;
        if (file.CanSeek && file.Length >= 18)
        {
            var magic = new byte[2];
            var n = file.Read(magic, 0, 2);
            if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            {
                // gzip ends with the CRC-32 and the uncompressed size (mod 2^32) of its last member: the check for a cut-off file.
                var last = new byte[8];
                file.Seek(-8, SeekOrigin.End);
                var read = 0;
                while (read < 8)
                {
                    var r = file.Read(last, read, 8 - read);
                    if (r == 0)
                    {
                        break;
                    }

                    read += r;
                }

                crc = (uint)(last[0] | (last[1] << 8) | (last[2] << 16) | (last[3] << 24));
                trailer = (uint)(last[4] | (last[5] << 8) | (last[6] << 16) | (last[7] << 24));
                stream = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            }

            file.Seek(0, SeekOrigin.Begin);
        }

        return new LogTextReader(file, stream, trailer, crc, blockChars, maxLineChars);
    }

    /// <summary>
    /// Copies the next block of complete lines (each ends with '\n') into <paramref name="target"/> (replaced by a
    /// larger array when the block does not fit) and returns its length; 0 at the end of the text. The caller's
    /// arrays are reused block after block, so a scan does not allocate its file's size in strings.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    public int ReadBlock(ref char[] target)
    {
        // Read until a block's worth is there and it holds a whole line (a capped over-long line still has to end).
        while (!_eof && (_len - _begin < _blockChars || Array.LastIndexOf(_buf, '\n', _len - 1, _len - _begin) < 0))
        {
            // Decoded straight behind the unread text; only a region with a line over the cap takes the copying path.
            EnsureRoom(_chars.Length + TruncationMarker.Length + 1);
            var start = _len;
            var count = ReadChars(_buf, start);
            if (count == 0)
            {
                continue;
            }

            if (AcceptDecoded(start, count))
            {
                continue;
            }

            Array.Copy(_buf, start, _chars, 0, count);
            for (var offset = 0; offset < count; offset += MaxLineChars)
            {
                Append(_chars, offset, Math.Min(MaxLineChars, count - offset));
            }
        }

        if (_len == _begin)
        {
            _begin = _len = 0;
            return 0;
        }

        if (!_eof || _len - _begin > _blockChars)
        {
            // Blocks stay near the requested size (below the large-object heap when small): cut at the last line
            // end within it, or at the first one after it when a single line is longer.
            var limit = _begin + Math.Min(_len - _begin, _blockChars);
            var cut = Array.LastIndexOf(_buf, '\n', limit - 1, limit - _begin);
            if (cut < 0 && limit < _len)
            {
                cut = Array.IndexOf(_buf, '\n', limit, _len - limit);
            }

            if (cut >= 0)
            {
                return Take(cut + 1, ref target);
            }

            if (!_eof)
            {
                // Only one capped partial line: hand it over as a line of its own, it goes on next time.
                EnsureRoom(1);
                _buf[_len++] = '\n';
                _lineLength = 0;
                return Take(_len, ref target);
            }
        }

        if (_buf[_len - 1] != '\n')
        {
            EnsureRoom(1);
            _buf[_len++] = '\n';
        }

        return Take(_len, ref target);
    }

    /// <summary>Hands out the text up to <paramref name="end"/>; the rest stays where it is.</summary>
    private int Take(int end, ref char[] target)
    {
        var length = end - _begin;
        if (target.Length < length)
        {
            target = new char[Math.Max(length, target.Length * 2)];
        }

        Array.Copy(_buf, _begin, target, 0, length);
        _begin = end;
        if (_begin == _len)
        {
            _begin = _len = 0;
        }

        return length;
    }

    public void Dispose()
    {
        if (!ReferenceEquals(_stream, _file))
        {
            _stream.Dispose();
        }

        _file.Dispose();
    }

    /// <summary>
    /// Keeps the <paramref name="count"/> characters just decoded at <paramref name="start"/> when no line in them goes
    /// over the cap (the usual case: one backward search per cap's worth of text proves it); false leaves them to <see cref="Append"/>.
    /// </summary>
    private bool AcceptDecoded(int start, int count)
    {
        var end = start + count;
        var first = Array.IndexOf(_buf, '\n', start, count);
        if (first < 0)
        {
            if (_lineLength + count > MaxLineChars)
            {
                return false;
            }

            _lineLength += count;
            _len = end;
            return true;
        }

        if (_lineLength + (first - start) > MaxLineChars)
        {
            return false;
        }

        // Every cap-sized window from the first line end on must hold a line end: then no line in it is longer than the cap.
        var p = first + 1;
        while (end - p > MaxLineChars)
        {
            var q = Array.LastIndexOf(_buf, '\n', p + MaxLineChars - 1, MaxLineChars);
            if (q < 0)
            {
                return false;
            }

            p = q + 1;
        }

        var last = Array.LastIndexOf(_buf, '\n', end - 1, end - first);
        _lineLength = end - last - 1;
        _len = end;
        return true;
    }

    private int ReadChars(char[] into, int at)
    {
        if (_head is not null)
        {
            var headCount = _decoder.GetChars(_head, _headOffset, _headLength - _headOffset, into, at, false);
            _head = null;
            return headCount;
        }

        int read;
        try
        {
            read = _stream.Read(_bytes, 0, _bytes.Length);
        }
        catch (InvalidDataException ex)
        {
            CorruptionMessage = "the compressed data is corrupt (" + ex.Message + ")";
            read = 0;
        }

        if (read == 0)
        {
            _eof = true;
            if (!IsGzip && _file.CanSeek && _initialLength > 0)
            {
                var length = _file.Length;
                if (length < _initialLength)
                {
                    ShrankMessage = $"the file shrank from {_initialLength:N0} to {length:N0} bytes while it was read (log rotation with copytruncate?): "
                        + $"the entries after byte {Math.Min(length, _file.Position):N0} were not read; read the rotated copy too";
                }
            }

            // One member: its trailer sizes the whole output. Several (cat a.gz b.gz, a valid gzip): the trailer sizes
            // the last member only, so that member is found and checked on its own.
            if (IsGzip && CorruptionMessage is null && _gzipTrailerSize != (uint)(_decompressed + _headLength) && !LastMemberIsWhole())
            {
                CorruptionMessage = "the compressed data ends early (truncated .gz: the trailer does not match what was decompressed)";
            }

            return _decoder.GetChars(_bytes, 0, 0, into, at, true);
        }

        _decompressed += read;
        return _decoder.GetChars(_bytes, 0, read, into, at, false);
    }

    /// <summary>
    /// Whether the file is a multi-member gzip whose last member is complete: a member header near the end whose data
    /// decompresses to exactly the trailer's size with the trailer's CRC-32. A cut-off file has no such member (its
    /// last eight bytes are compressed data, not a trailer). Earlier members were checked by the inflater itself.
    /// </summary>
    private bool LastMemberIsWhole()
    {
        if (!_file.CanSeek || _gzipTrailerSize is not { } size)
        {
            return false;
        }

        try
        {
            foreach (var start in MemberStarts(_file))
            {
                if (start == 0)
                {
                    break; // the whole file as one member is what failed the first check
                }

                _file.Seek(start, SeekOrigin.Begin);
                using var member = new GZipStream(_file, CompressionMode.Decompress, leaveOpen: true);
                var buffer = new byte[64 * 1024];
                long length = 0;
                var crc = Crc32.Start;
                int n;
                while ((n = member.Read(buffer, 0, buffer.Length)) > 0)
                {
                    crc = Crc32.Update(crc, buffer, n);
                    length += n;
                }

                if ((uint)length == size && Crc32.Finish(crc) == _gzipTrailerCrc)
                {
                    if (System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
                    {
                        // .NET Framework's GZipStream stops after the first member (dotnet/corefx#27279): the file is fine, the read was short.
                        CorruptionMessage = "the .gz holds several members and .NET Framework (Windows PowerShell 5.1) reads only the first; "
                            + "run PowerShell 7, or decompress the file first";
                    }

                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException)
        {
            return false;
        }

        return false;
    }

    /// <summary>Offsets of plausible gzip member headers (ID1 ID2 CM=8, no reserved flags, a known XFL and OS), last first.</summary>
    private static List<long> MemberStarts(Stream file)
    {
        var starts = new List<long>();
        var buffer = new byte[256 * 1024];
        long offset = 0;
        file.Seek(0, SeekOrigin.Begin);
        var carry = 0;
        int n;
        while ((n = file.Read(buffer, carry, buffer.Length - carry)) > 0 || carry > 0)
        {
            var length = carry + n;
            var limit = n == 0 ? length : length - 9;
            for (var i = 0; i < limit && i + 9 < length; i++)
            {
                if (buffer[i] == 0x1f && buffer[i + 1] == 0x8b && buffer[i + 2] == 8 && (buffer[i + 3] & 0xE0) == 0
                    && buffer[i + 8] is 0 or 2 or 4 && (buffer[i + 9] <= 13 || buffer[i + 9] == 255))
                {
                    starts.Add(offset + i);
                }
            }

            if (n == 0)
            {
                break;
            }

            // Keep the last bytes: a header may straddle two reads.
            carry = Math.Min(9, length);
            Array.Copy(buffer, length - carry, buffer, 0, carry);
            offset += length - carry;
        }

        starts.Reverse();
        return starts;
    }

    /// <summary>CRC-32 (IEEE, as gzip uses), without a package netstandard2.0 lacks.</summary>
    private static class Crc32
    {
        internal const uint Start = 0xFFFFFFFFu;

        private static readonly uint[] s_table = Build();

        internal static uint Update(uint crc, byte[] data, int count)
        {
            for (var i = 0; i < count; i++)
            {
                crc = s_table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
            }

            return crc;
        }

        internal static uint Finish(uint crc) => crc ^ 0xFFFFFFFFu;

        private static uint[] Build()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }

    /// <summary>Appends at most <see cref="MaxLineChars"/> chars, keeping only the start of an over-long line.</summary>
    [MethodImpl(HotPath.Optimize)]
    private void Append(char[] chars, int offset, int count)
    {
        EnsureRoom(count + TruncationMarker.Length + 1);
        var first = Array.IndexOf(chars, '\n', offset, count);
        var headCount = first < 0 ? count : first - offset;
        var room = MaxLineChars - _lineLength;
        if (room > 0)
        {
            var keep = Math.Min(room, headCount);
            Array.Copy(chars, offset, _buf, _len, keep);
            _len += keep;
        }

        if (_lineLength <= MaxLineChars && _lineLength + headCount > MaxLineChars)
        {
            TruncationMarker.CopyTo(0, _buf, _len, TruncationMarker.Length);
            _len += TruncationMarker.Length;
            TruncatedLines++;
        }

        _lineLength += headCount;
        if (first < 0)
        {
            return;
        }

        // The rest is shorter than the cap, so the lines in it are too: copy as is.
        var restCount = count - headCount;
        Array.Copy(chars, first, _buf, _len, restCount);
        _len += restCount;
        var lastNewline = Array.LastIndexOf(chars, '\n', offset + count - 1, restCount);
        _lineLength = offset + count - lastNewline - 1;
    }

    /// <summary>Makes room for <paramref name="count"/> more characters after <c>_len</c>: first by moving the unread text to the front.</summary>
    private void EnsureRoom(int count)
    {
        if (_len + count <= _buf.Length)
        {
            return;
        }

        if (_begin > 0)
        {
            Array.Copy(_buf, _begin, _buf, 0, _len - _begin);
            _len -= _begin;
            _begin = 0;
        }

        if (_len + count > _buf.Length)
        {
            Array.Resize(ref _buf, Math.Max(_len + count, _buf.Length * 2));
        }
    }

    private int ReadFully(byte[] buffer, int offset, int count)
    {
        var total = 0;
        try
        {
            while (total < count)
            {
                var n = _stream.Read(buffer, offset + total, count - total);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (InvalidDataException ex)
        {
            CorruptionMessage = "the compressed data is corrupt (" + ex.Message + ")";
        }

        return total;
    }

    internal static Encoding DetectEncoding(byte[] head, int length, out int bomLength, out bool binary)
    {
        binary = false;
        bomLength = 0;
        if (length >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
        {
            bomLength = 3;
            return new UTF8Encoding(false);
        }

        if (length >= 2 && head[0] == 0xFF && head[1] == 0xFE)
        {
            bomLength = 2;
            return new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
        }

        if (length >= 2 && head[0] == 0xFE && head[1] == 0xFF)
        {
            bomLength = 2;
            return new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
        }

        int evenNuls = 0, oddNuls = 0;
        for (var i = 0; i < length; i++)
        {
            if (head[i] == 0)
            {
                if ((i & 1) == 0)
                {
                    evenNuls++;
                }
                else
                {
                    oddNuls++;
                }
            }
        }

        if (evenNuls + oddNuls == 0)
        {
            return new UTF8Encoding(false);
        }

        // UTF-16 without a BOM: ASCII text leaves a NUL in every other byte, and only there.
        var pairs = length / 2;
        if (evenNuls == 0 && oddNuls > pairs * 3 / 4)
        {
            return new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
        }

        if (oddNuls == 0 && evenNuls > pairs * 3 / 4)
        {
            return new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
        }

        binary = true;
        return new UTF8Encoding(false);
    }
}
