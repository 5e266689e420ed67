using System;
using System.Collections.Generic;
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

        _next = new int[next.Count * Alphabet];
        for (var i = 0; i < next.Count; i++)
        {
            Array.Copy(next[i], 0, _next, i * Alphabet, Alphabet);
        }

        _outputs = new int[outputs.Count][];
        _matchLength = new int[outputs.Count];
        for (var i = 0; i < outputs.Count; i++)
        {
            _outputs[i] = outputs[i].Count == 0 ? Array.Empty<int>() : outputs[i].ToArray();
            _matchLength[i] = outputs[i].Count == 0 ? 0 : signatures[outputs[i][0]].Length;
        }
    }

    /// <summary>Adds the start position of every occurrence (in order of their ends; one per position where several end).</summary>
    [MethodImpl(HotPath.Optimize)]
    internal void FindPositions(string text, List<int> positions)
    {
        var state = 0;
        var next = _next;
        var lengths = _matchLength;
        for (var i = 0; i < text.Length; i++)
        {
            state = next[(state * Alphabet) + Fold(text[i])];
            var length = lengths[state];
            if (length > 0)
            {
                positions.Add(i - length + 1);
            }
        }
    }

    /// <summary>Adds the index of every signature occurring in the text (duplicates possible).</summary>
    [MethodImpl(HotPath.Optimize)]
    internal void FindAll(string text, List<int> found)
    {
        var state = 0;
        var next = _next;
        foreach (var raw in text)
        {
            state = next[(state * Alphabet) + Fold(raw)];
            var output = _outputs[state];
            if (output.Length > 0)
            {
                found.AddRange(output);
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
