using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;

namespace SsmTroubleshoot.Logs;

/// <summary>
/// Finds every occurrence of many literal signatures at once, ignoring ASCII case (Aho-Corasick automaton):
/// one pass over the text whatever the number of signatures, where a regex alternation of them tries each branch
/// at almost every position.
/// </summary>
internal sealed class SignatureMatcher
{
    private const int Alphabet = 128;

    private readonly int[] _next;
    private readonly int[][] _outputs;
    private readonly int[] _matchLength;
    private readonly byte[] _classes;
    private readonly int _width;
    private readonly int _start;
    private readonly int _firstAccepting;
    private readonly int _longest;

    // The second walk's finds, per thread: one matcher serves the reader and the scanning thread at once.
    [ThreadStatic]
    private static List<int>? s_second;

    internal SignatureMatcher(IReadOnlyList<string> signatures)
    {
        // Characters that occur in no signature all behave alike (class 0, with non-ASCII): the table has a column
        // per class, not per character, and stays small enough for the cache the scan runs from.
        var classes = new byte[Alphabet];
        var width = 1;
        foreach (var signature in signatures)
        {
            foreach (var raw in signature)
            {
                var c = Fold(raw);
                if (c != 0 && classes[c] == 0)
                {
                    classes[c] = (byte)width++;
                }
            }
        }

        for (var c = 'A'; c <= 'Z'; c++)
        {
            classes[c] = classes[c | 0x20];
        }

        // The trie, one row of class columns per state, in one flat table sized for the most states there can be (one
        // per signature character, plus the root). 0 means no child yet: the root is never anyone's child.
        var capacity = 1;
        foreach (var signature in signatures)
        {
            capacity += signature.Length;
        }

        var next = new int[capacity * width];
        var outputs = new List<int>?[capacity];
        var count = 1;
        for (var s = 0; s < signatures.Count; s++)
        {
            var state = 0;
            foreach (var raw in signatures[s])
            {
                var cell = state * width + classes[raw < Alphabet ? raw : 0];
                if (next[cell] == 0)
                {
                    next[cell] = count++;
                }

                state = next[cell];
            }

            (outputs[state] ??= new List<int>()).Add(s);
        }

        // Breadth-first: failure links, then complete the transition table (a DFA: no failure walks while matching).
        // A row is completed before any deeper state reads it; in the row being completed a non-zero cell is a child.
        var fail = new int[count];
        var queue = new Queue<int>();
        for (var k = 0; k < width; k++)
        {
            if (next[k] > 0)
            {
                queue.Enqueue(next[k]);
            }
        }

        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            if (outputs[fail[state]] is { } inherited)
            {
                (outputs[state] ??= new List<int>()).AddRange(inherited);
            }

            var row = state * width;
            var failRow = fail[state] * width;
            for (var k = 0; k < width; k++)
            {
                var child = next[row + k];
                if (child > 0)
                {
                    fail[child] = next[failRow + k];
                    queue.Enqueue(child);
                }
                else
                {
                    next[row + k] = next[failRow + k];
                }
            }
        }

        // States are renumbered so that every state where a signature ends comes after all others: the loop tells a
        // match from the row offset it already holds. Table entries are row offsets (state * width), so the loop never multiplies.
        var renumbered = new int[count];
        var position = 0;
        for (var st = 0; st < count; st++)
        {
            if (outputs[st] is null)
            {
                renumbered[st] = position++;
            }
        }

        var firstAccepting = position;
        for (var st = 0; st < count; st++)
        {
            if (outputs[st] is not null)
            {
                renumbered[st] = position++;
            }
        }

        _classes = classes;
        _width = width;
        _longest = signatures.Count == 0 ? 1 : signatures.Max(signature => signature.Length);
        _firstAccepting = firstAccepting * width;
        _start = renumbered[0] * width;
        _next = new int[count * width];
        _outputs = new int[count][];
        _matchLength = new int[count];
        for (var old = 0; old < count; old++)
        {
            var row = renumbered[old] * width;
            var oldRow = old * width;
            for (var k = 0; k < width; k++)
            {
                _next[row + k] = renumbered[next[oldRow + k]] * width;
            }

            var found = outputs[old];
            _outputs[renumbered[old]] = found is null ? Array.Empty<int>() : found.ToArray();
            _matchLength[renumbered[old]] = found is null ? 0 : signatures[found[0]].Length;
        }
    }

    /// <summary>Adds the start position of every occurrence (in order of their ends; one per position where several end).</summary>
    [MethodImpl(HotPath.Optimize)]
    internal void FindPositions(char[] text, int length, List<int> positions)
    {
        if (length < 4 * _longest)
        {
            Walk(text, 0, length, _start, positions);
        }
        else
        {
            WalkHalves(text, length, positions);
        }
    }

    /// <summary>
    /// Two walks at once, one over each half of the text: each step of a walk waits for the table load of the step
    /// before, so a single walk leaves the core idle most of the time; two independent ones fill it (about 20 % faster).
    /// The second starts a signature's length before the middle so that an occurrence across it is found, and keeps
    /// only occurrences that end in its half.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    private void WalkHalves(char[] text, int length, List<int> positions)
    {
        var next = _next;
        var classes = _classes;
        var accepting = _firstAccepting;
        var middle = length / 2;
        var second = s_second ??= new List<int>();
        second.Clear();
        int a = 0, b = middle - _longest, rowA = _start, rowB = _start;
        for (; a < middle; a++, b++)
        {
            var ca = text[a];
            var cb = text[b];
            rowA = next[rowA + (ca < Alphabet ? classes[ca] : 0)];
            rowB = next[rowB + (cb < Alphabet ? classes[cb] : 0)];
            if (rowA >= accepting)
            {
                positions.Add(a - _matchLength[rowA / _width] + 1);
            }

            if (rowB >= accepting && b >= middle)
            {
                second.Add(b - _matchLength[rowB / _width] + 1);
            }
        }

        positions.AddRange(second);
        Walk(text, b, length, rowB, positions);
    }

    [MethodImpl(HotPath.Optimize)]
    private void Walk(char[] text, int from, int to, int row, List<int> positions)
    {
        var next = _next;
        var classes = _classes;
        var accepting = _firstAccepting;
        for (var i = from; i < to; i++)
        {
            var c = text[i];
            row = next[row + (c < Alphabet ? classes[c] : 0)];
            if (row >= accepting)
            {
                positions.Add(i - _matchLength[row / _width] + 1);
            }
        }
    }

    /// <summary>Adds the index of every signature occurring in the text (duplicates possible).</summary>
    [MethodImpl(HotPath.Optimize)]
    internal void FindAll(string text, List<int> found)
    {
        var row = _start;
        var next = _next;
        var classes = _classes;
        var accepting = _firstAccepting;
        foreach (var c in text)
        {
            row = next[row + (c < Alphabet ? classes[c] : 0)];
            if (row >= accepting)
            {
                found.AddRange(_outputs[row / _width]);
            }
        }
    }

    // Non-ASCII characters all fold to one class: a looser prefilter for a non-ASCII signature; its patterns decide.
    private static int Fold(char c) => c >= Alphabet ? 0 : c is >= 'A' and <= 'Z' ? c | 0x20 : c;
}
