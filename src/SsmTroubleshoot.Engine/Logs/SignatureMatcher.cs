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

    internal SignatureMatcher(IReadOnlyList<string> signatures)
    {
        var next = new List<int[]> { NewState() };
        var outputs = new List<List<int>> { new() };
        for (var s = 0; s < signatures.Count; s++)
        {
            var state = 0;
            foreach (var raw in signatures[s])
            {
                var c = Fold(raw);
                if (next[state][c] <= 0)
                {
                    next[state][c] = next.Count;
                    next.Add(NewState());
                    outputs.Add(new List<int>());
                }

                state = next[state][c];
            }

            outputs[state].Add(s);
        }

        // Breadth-first: failure links, then complete the transition table (a DFA: no failure walks while matching).
        var fail = new int[next.Count];
        var queue = new Queue<int>();
        for (var c = 0; c < Alphabet; c++)
        {
            if (next[0][c] > 0)
            {
                fail[next[0][c]] = 0;
                queue.Enqueue(next[0][c]);
            }
            else
            {
                next[0][c] = 0;
            }
        }

        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            outputs[state].AddRange(outputs[fail[state]]);
            for (var c = 0; c < Alphabet; c++)
            {
                var child = next[state][c];
                if (child > 0)
                {
                    fail[child] = next[fail[state]][c];
                    queue.Enqueue(child);
                }
                else
                {
                    next[state][c] = next[fail[state]][c];
                }
            }
        }

        // Characters that occur in no signature all behave alike (class 0, with non-ASCII): the table has a column
        // per class, not per character, and stays small enough for the cache the scan runs from. States are
        // renumbered so that every state where a signature ends comes after all others: the loop tells a match from
        // the row offset it already holds. Table entries are row offsets (state * width), so the loop never multiplies.
        var classes = new byte[Alphabet];
        var width = 1;
        for (var c = 1; c < Alphabet; c++)
        {
            var folded = Fold((char)c);
            if (folded != c)
            {
                continue;
            }

            if (signatures.Any(sig => sig.Any(ch => Fold(ch) == c)))
            {
                classes[c] = (byte)width++;
            }
        }

        for (var c = 1; c < Alphabet; c++)
        {
            classes[c] = classes[Fold((char)c)];
        }

        var representative = new int[width];
        for (var c = Alphabet - 1; c > 0; c--)
        {
            representative[classes[c]] = Fold((char)c);
        }

        var order = Enumerable.Range(0, next.Count).OrderBy(st => outputs[st].Count > 0 ? 1 : 0).ThenBy(st => st).ToArray();
        var renumbered = new int[next.Count];
        for (var i = 0; i < order.Length; i++)
        {
            renumbered[order[i]] = i;
        }

        _classes = classes;
        _width = width;
        _firstAccepting = order.TakeWhile(st => outputs[st].Count == 0).Count() * width;
        _start = renumbered[0] * width;
        _next = new int[next.Count * width];
        _outputs = new int[next.Count][];
        _matchLength = new int[next.Count];
        for (var old = 0; old < next.Count; old++)
        {
            var row = renumbered[old] * width;
            for (var k = 0; k < width; k++)
            {
                // Class 0 stands for every character no signature has: the NUL column of the full table says where they lead.
                _next[row + k] = renumbered[next[old][k == 0 ? 0 : representative[k]]] * width;
            }

            _outputs[renumbered[old]] = outputs[old].Count == 0 ? Array.Empty<int>() : outputs[old].ToArray();
            _matchLength[renumbered[old]] = outputs[old].Count == 0 ? 0 : signatures[outputs[old][0]].Length;
        }
    }

    /// <summary>Adds the start position of every occurrence (in order of their ends; one per position where several end).</summary>
    [MethodImpl(HotPath.Optimize)]
    internal void FindPositions(string text, List<int> positions) => Walk(text, 0, text.Length, _start, positions);

    [MethodImpl(HotPath.Optimize)]
    private void Walk(string text, int from, int to, int row, List<int> positions)
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

    private static int[] NewState()
    {
        var state = new int[Alphabet];
        for (var i = 0; i < Alphabet; i++)
        {
            state[i] = -1;
        }

        return state;
    }

    // Non-ASCII characters all fold to one class: a looser prefilter for a non-ASCII signature; its patterns decide.
    private static int Fold(char c) => c >= Alphabet ? 0 : c is >= 'A' and <= 'Z' ? c | 0x20 : c;
}
