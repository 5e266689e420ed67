// Lists the log calls (and the error texts they log through %v) of an amazon-ssm-agent source tree.
//
//   dotnet run tools/agent-messages/extract.cs -- <agent-source-dir> <version> <out-file> [--commit <sha>] [--review]
//   dotnet run tools/agent-messages/extract.cs -- summary <scope.tsv> <templates-dir> <version>...
//
// See README.md beside this file for what is extracted and how templates are written.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

return AgentMessages.Cli.Run(args);

namespace AgentMessages
{
    internal static class Cli
    {
        public static int Run(string[] args)
        {
            try
            {
                if (args.Length >= 1 && args[0] == "summary")
                {
                    return Summary.Run(args.Skip(1).ToArray());
                }

                return Extract(args);
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine("usage: dotnet run extract.cs -- <agent-source-dir> <version> <out-file> [--commit <sha>] [--product <owner/name>] [--review]");
                Console.Error.WriteLine("       dotnet run extract.cs -- summary <scope.tsv> <templates-dir> <version>...");
                return 2;
            }
        }

        private static int Extract(string[] args)
        {
            var positional = new List<string>();
            string? commit = null;
            string product = "aws/amazon-ssm-agent";
            bool review = false;
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "--commit" && i + 1 < args.Length)
                {
                    commit = args[++i];
                }
                else if (args[i] == "--product" && i + 1 < args.Length)
                {
                    // Another Go repository of the same family and logging style (aws/session-manager-plugin).
                    product = args[++i];
                }
                else if (args[i] == "--review")
                {
                    review = true;
                }
                else
                {
                    positional.Add(args[i]);
                }
            }

            if (positional.Count != 3)
            {
                throw new UsageException("expected <agent-source-dir> <version> <out-file>");
            }

            string root = Path.GetFullPath(positional[0]);
            string version = positional[1];
            string outFile = positional[2];
            if (!Directory.Exists(root))
            {
                throw new UsageException("no such directory: " + root);
            }

            commit ??= GitHead(root) ?? "unknown";

            var repo = new Repo(root, "github.com/" + product + "/");
            repo.Load();
            var rows = new List<Row>();
            var helpers = new HelperResolver(repo);
            foreach (var file in repo.ScannedFiles)
            {
                rows.AddRange(new CallScanner(repo, file, helpers).Scan());
            }

            rows.AddRange(helpers.Resolve());
            Stats.HelperLines.AddRange(helpers.Resolved.Select(s => "followed: " + s));
            Stats.HelperLines.AddRange(helpers.Unresolved.Select(s => "not followed: " + s));

            rows.Sort((a, b) =>
            {
                int c = string.CompareOrdinal(a.File, b.File);
                if (c != 0) return c;
                c = a.Line.CompareTo(b.Line);
                if (c != 0) return c;
                c = a.Column.CompareTo(b.Column);
                return c != 0 ? c : string.CompareOrdinal(a.Kind, b.Kind);
            });

            var sb = new StringBuilder();
            sb.Append("# ").Append(product.Substring(product.IndexOf('/') + 1)).Append(' ').Append(version).Append(" (commit ").Append(commit)
              .Append(") — https://github.com/").Append(product).Append(" — Apache License 2.0, Copyright Amazon.com, Inc. or its affiliates. ")
              .Append("Log message templates extracted by tools/agent-messages; they are the ")
              .Append(product == "aws/amazon-ssm-agent" ? "agent's" : "program's").Append(" observable output.\n");
            sb.Append("# kind\tlevel\tplatform\tcomponent\tfile:line\ttemplate\n");
            foreach (var r in rows)
            {
                sb.Append(r.Kind).Append('\t').Append(r.Level).Append('\t').Append(r.Platform).Append('\t')
                  .Append(r.Component).Append('\t').Append(r.File).Append(':').Append(r.Line.ToString(CultureInfo.InvariantCulture))
                  .Append('\t').Append(Escape(r.Template)).Append('\n');
            }

            string? dir = Path.GetDirectoryName(Path.GetFullPath(outFile));
            if (dir != null) Directory.CreateDirectory(dir);
            File.WriteAllText(outFile, sb.ToString(), new UTF8Encoding(false));

            PrintStats(repo, rows, outFile, review);
            return 0;
        }

        /// <summary>What kind of argument left a log call without any literal text.</summary>
        private static string DynamicKind(string raw)
        {
            string r = raw.Trim();
            if (Regex.IsMatch(r, @"^(""%[vs]"" , )?([A-Za-z0-9_]*(err|Err|error|Error)[A-Za-z0-9_]*|e)( \. Error \( \))?$"))
            {
                return "an error value (err, err.Error(), \"%v\", err)";
            }

            if (Regex.IsMatch(r, @"^[A-Za-z_][A-Za-z0-9_]*$")) return "a variable (parameter, or local assigned from a call)";
            if (r.Contains('(', StringComparison.Ordinal)) return "a function or method result";
            return "a struct field or other expression";
        }

        internal static string Escape(string s)
        {
            var sb = new StringBuilder(s.Length);
            foreach (char ch in s)
            {
                switch (ch)
                {
                    case '\\': sb.Append("\\\\"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    default:
                        if (ch < 0x20 || ch == 0x7f)
                        {
                            sb.Append("\\x").Append(((int)ch).ToString("x2", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(ch);
                        }

                        break;
                }
            }

            return sb.ToString();
        }

        private static string? GitHead(string dir)
        {
            try
            {
                var psi = new ProcessStartInfo("git", "rev-parse HEAD")
                {
                    WorkingDirectory = dir,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                using var p = Process.Start(psi);
                if (p == null) return null;
                string o = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                return p.ExitCode == 0 && o.Length == 40 ? o : null;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }

        private static void PrintStats(Repo repo, List<Row> rows, string outFile, bool review)
        {
            var log = rows.Where(r => r.Kind == "log").ToList();
            var err = rows.Where(r => r.Kind == "errtext").ToList();
            var o = Console.Error;
            o.WriteLine($"{outFile}: {rows.Count} rows ({log.Count} log, {err.Count} errtext), {new FileInfo(outFile).Length} bytes");
            o.WriteLine($"  files scanned {repo.ScannedFiles.Count}; skipped: {string.Join(", ", repo.SkipReasons.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Key + " " + k.Value))}");
            foreach (var g in log.GroupBy(r => r.Level).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                o.WriteLine($"  log {g.Key}: {g.Count()} sites, {g.Select(r => r.Template).Distinct().Count()} distinct templates");
            }

            var dyn = log.Where(r => r.Template == "%v").ToList();
            o.WriteLine($"  log sites whose message is entirely non-literal (template %v): {dyn.Count}");
            foreach (var g in dyn.GroupBy(r => DynamicKind(r.Raw)).OrderByDescending(g => g.Count()))
            {
                o.WriteLine($"    {g.Key}: {g.Count()}");
                if (review)
                {
                    foreach (var r in g.Take(12))
                    {
                        o.WriteLine($"      {r.File}:{r.Line}  {r.Raw}");
                    }
                }
            }
            o.WriteLine($"  errtext sites whose text is entirely non-literal (template %v): {err.Count(r => r.Template == "%v")}");
            o.WriteLine($"  log sites whose format string has a variable spliced in (written %v, e.g. Infof(\"to \" + url)): {log.Count(r => r.Partial)}");
            o.WriteLine($"  log sites resolved through a constant or a local variable: {log.Count(r => r.Resolved)}");
            o.WriteLine($"  log sites that are calls of a logging helper function: {log.Count(r => r.Via == "helper")}");
            foreach (var (k, v) in Stats.Counters.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                o.WriteLine($"  {k}: {v}");
            }

            if (review)
            {
                o.WriteLine("  accepted log receivers:");
                foreach (var (k, v) in Stats.Accepted.OrderByDescending(k => k.Value))
                {
                    o.WriteLine($"    {v,6} {k}");
                }

                o.WriteLine("  rejected same-named calls (receiver: count, first site):");
                foreach (var (k, v) in Stats.Rejected.OrderByDescending(k => k.Value.Count))
                {
                    o.WriteLine($"    {v.Count,6} {k}  {v.First}");
                }

                o.WriteLine("  logging helpers (functions logging a message parameter):");
                foreach (var s in Stats.HelperLines)
                {
                    o.WriteLine("    " + s);
                }

                o.WriteLine("  forwarders (non-literal message passed on with ...):");
                foreach (var s in Stats.Forwarders)
                {
                    o.WriteLine("    " + s);
                }
            }
        }
    }

    internal sealed class UsageException : Exception
    {
        public UsageException(string message) : base(message)
        {
        }
    }

    internal static class Stats
    {
        public static readonly Dictionary<string, int> Counters = new(StringComparer.Ordinal);
        public static readonly Dictionary<string, int> Accepted = new(StringComparer.Ordinal);
        public static readonly Dictionary<string, (int Count, string First)> Rejected = new(StringComparer.Ordinal);
        public static readonly List<string> Forwarders = new();
        public static readonly List<string> HelperLines = new();

        public static void Inc(string key)
        {
            Counters[key] = Counters.TryGetValue(key, out int v) ? v + 1 : 1;
        }
    }

    internal sealed record Row(string Kind, string Level, string Platform, string Component, string File, int Line, int Column, string Template, bool Resolved, bool Partial, string Via = "", string Raw = "");

    // ---------------------------------------------------------------- tokens

    internal enum TK
    {
        Ident,
        Str,
        Char,
        Num,
        Op,
        Semi,
    }

    internal sealed record Tok(TK Kind, string Text, string Value, int Line, int Column);

    internal static class Lexer
    {
        private static readonly string[] Ops3 = { "...", "<<=", ">>=", "&^=" };

        private static readonly string[] Ops2 =
        {
            ":=", "==", "!=", "<=", ">=", "&&", "||", "<-", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^",
        };

        private static readonly HashSet<string> NoSemiKeywords = new(StringComparer.Ordinal)
        {
            "if", "for", "switch", "select", "go", "defer", "goto", "package", "import", "func", "var", "const", "type",
            "struct", "interface", "map", "chan", "else", "case", "default", "range",
        };

        public static List<Tok> Lex(string src)
        {
            var toks = new List<Tok>();
            int i = 0, line = 1, lineStart = 0, n = src.Length;

            bool Trigger()
            {
                if (toks.Count == 0) return false;
                var t = toks[^1];
                return t.Kind switch
                {
                    TK.Ident => !NoSemiKeywords.Contains(t.Text),
                    TK.Str or TK.Char or TK.Num => true,
                    TK.Op => t.Text is ")" or "]" or "}" or "++" or "--",
                    _ => false,
                };
            }

            while (i < n)
            {
                char c = src[i];
                if (c == '\n')
                {
                    if (Trigger()) toks.Add(new Tok(TK.Semi, ";", "\n", line, i - lineStart + 1));
                    i++;
                    line++;
                    lineStart = i;
                    continue;
                }

                if (c is ' ' or '\t' or '\r' or '\f' or '\v' or '\uFEFF')
                {
                    i++;
                    continue;
                }

                int col = i - lineStart + 1;
                if (c == '/' && i + 1 < n && src[i + 1] == '/')
                {
                    while (i < n && src[i] != '\n') i++;
                    continue;
                }

                if (c == '/' && i + 1 < n && src[i + 1] == '*')
                {
                    int end = src.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    if (end < 0) end = n - 2;
                    bool hadNewline = false;
                    for (int k = i; k < end + 2 && k < n; k++)
                    {
                        if (src[k] == '\n')
                        {
                            if (!hadNewline && Trigger()) toks.Add(new Tok(TK.Semi, ";", "\n", line, col));
                            hadNewline = true;
                            line++;
                            lineStart = k + 1;
                        }
                    }

                    i = end + 2;
                    continue;
                }

                if (char.IsLetter(c) || c == '_')
                {
                    int s = i;
                    while (i < n && (char.IsLetterOrDigit(src[i]) || src[i] == '_')) i++;
                    string id = src.Substring(s, i - s);
                    toks.Add(new Tok(TK.Ident, id, id, line, col));
                    continue;
                }

                if (char.IsDigit(c) || (c == '.' && i + 1 < n && char.IsDigit(src[i + 1])))
                {
                    int s = i;
                    while (i < n)
                    {
                        char d = src[i];
                        if (char.IsLetterOrDigit(d) || d == '_' || d == '.')
                        {
                            i++;
                        }
                        else if ((d == '+' || d == '-') && i > s && (src[i - 1] is 'e' or 'E' or 'p' or 'P') && !src.AsSpan(s, i - s).ToString().StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                        {
                            i++;
                        }
                        else
                        {
                            break;
                        }
                    }

                    string num = src.Substring(s, i - s);
                    toks.Add(new Tok(TK.Num, num, num, line, col));
                    continue;
                }

                if (c == '"' || c == '\'')
                {
                    int s = i;
                    i++;
                    while (i < n && src[i] != c && src[i] != '\n')
                    {
                        if (src[i] == '\\') i++;
                        i++;
                    }

                    i = Math.Min(i + 1, n);
                    string text = src.Substring(s, i - s);
                    string inner = text.Length >= 2 ? text.Substring(1, text.Length - 2) : string.Empty;
                    toks.Add(new Tok(c == '"' ? TK.Str : TK.Char, text, Unquote(inner), line, col));
                    continue;
                }

                if (c == '`')
                {
                    int s = i;
                    int end = src.IndexOf('`', i + 1);
                    if (end < 0) end = n - 1;
                    string text = src.Substring(s, end - s + 1);
                    int startLine = line;
                    for (int k = s; k <= end; k++)
                    {
                        if (src[k] == '\n')
                        {
                            line++;
                            lineStart = k + 1;
                        }
                    }

                    toks.Add(new Tok(TK.Str, text, text.Substring(1, Math.Max(0, text.Length - 2)).Replace("\r", string.Empty, StringComparison.Ordinal), startLine, col));
                    i = end + 1;
                    continue;
                }

                string? op = null;
                foreach (var o in Ops3)
                {
                    if (string.CompareOrdinal(src, i, o, 0, 3) == 0)
                    {
                        op = o;
                        break;
                    }
                }

                if (op == null)
                {
                    foreach (var o in Ops2)
                    {
                        if (string.CompareOrdinal(src, i, o, 0, 2) == 0)
                        {
                            op = o;
                            break;
                        }
                    }
                }

                op ??= c.ToString();
                toks.Add(op == ";" ? new Tok(TK.Semi, ";", ";", line, col) : new Tok(TK.Op, op, op, line, col));
                i += op.Length;
            }

            if (Trigger()) toks.Add(new Tok(TK.Semi, ";", "\n", line, 1));
            return toks;
        }

        /// <summary>Decodes the escapes of a Go interpreted string or rune literal body.</summary>
        public static string Unquote(string s)
        {
            if (s.IndexOf('\\') < 0) return s;
            var sb = new StringBuilder(s.Length);
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c != '\\' || i + 1 >= s.Length)
                {
                    sb.Append(c);
                    continue;
                }

                char e = s[++i];
                switch (e)
                {
                    case 'a': sb.Append('\a'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'v': sb.Append('\v'); break;
                    case '\\': sb.Append('\\'); break;
                    case '\'': sb.Append('\''); break;
                    case '"': sb.Append('"'); break;
                    case 'x':
                        sb.Append(Hex(s, ref i, 2));
                        break;
                    case 'u':
                        sb.Append(Hex(s, ref i, 4));
                        break;
                    case 'U':
                        sb.Append(Hex(s, ref i, 8));
                        break;
                    default:
                        if (e >= '0' && e <= '7' && i + 2 < s.Length)
                        {
                            int v = ((e - '0') * 64) + ((s[i + 1] - '0') * 8) + (s[i + 2] - '0');
                            sb.Append((char)v);
                            i += 2;
                        }
                        else
                        {
                            sb.Append('\\').Append(e);
                        }

                        break;
                }
            }

            return sb.ToString();
        }

        private static string Hex(string s, ref int i, int digits)
        {
            if (i + digits >= s.Length) return string.Empty;
            if (!int.TryParse(s.AsSpan(i + 1, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int v))
            {
                return string.Empty;
            }

            i += digits;
            return char.ConvertFromUtf32(v is >= 0xD800 and <= 0xDFFF or > 0x10FFFF ? 0xFFFD : v);
        }
    }

    // ---------------------------------------------------------------- files and packages

    internal sealed class GoFile
    {
        public GoFile(string rel, string dir, List<Tok> toks, IReadOnlyList<string> platforms)
        {
            Rel = rel;
            Dir = dir;
            Toks = toks;
            Platforms = platforms;
            Match = new int[toks.Count];
            Depth = new int[toks.Count];
            var stack = new Stack<int>();
            int depth = 0;
            for (int i = 0; i < toks.Count; i++)
            {
                Match[i] = -1;
                var t = toks[i];
                if (t.Kind == TK.Op && t.Text is "(" or "[" or "{")
                {
                    Depth[i] = depth;
                    if (t.Text == "{") depth++;
                    stack.Push(i);
                }
                else if (t.Kind == TK.Op && t.Text is ")" or "]" or "}")
                {
                    if (t.Text == "}") depth = Math.Max(0, depth - 1);
                    Depth[i] = depth;
                    if (stack.Count > 0)
                    {
                        int o = stack.Pop();
                        Match[o] = i;
                        Match[i] = o;
                    }
                }
                else
                {
                    Depth[i] = depth;
                }
            }

            Imports = ParseImports(toks);
            StringIdents = CollectStringIdents(toks);
        }

        public string Rel { get; }

        public string Dir { get; }

        public List<Tok> Toks { get; }

        /// <summary>Subset of windows, linux, darwin, freebsd the file is compiled for.</summary>
        public IReadOnlyList<string> Platforms { get; }

        /// <summary>For a bracket token, the index of its partner; -1 otherwise.</summary>
        public int[] Match { get; }

        /// <summary>Brace ({}) nesting depth at each token.</summary>
        public int[] Depth { get; }

        /// <summary>Import name to import path.</summary>
        public Dictionary<string, string> Imports { get; }

        /// <summary>Identifiers declared somewhere in the file with type string (a heuristic for Sprint spacing).</summary>
        public HashSet<string> StringIdents { get; }

        public bool Included { get; set; }

        public string PlatformText => Platforms.Count == 4 ? "any" : string.Join(",", Platforms);

        public bool IsOp(int i, string text) => i >= 0 && i < Toks.Count && Toks[i].Kind == TK.Op && Toks[i].Text == text;

        public bool IsIdent(int i, string? text = null) => i >= 0 && i < Toks.Count && Toks[i].Kind == TK.Ident && (text == null || Toks[i].Text == text);

        private static Dictionary<string, string> ParseImports(List<Tok> toks)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < toks.Count; i++)
            {
                if (toks[i].Kind != TK.Ident || toks[i].Text != "import") continue;
                int j = i + 1;
                bool block = j < toks.Count && toks[j].Kind == TK.Op && toks[j].Text == "(";
                if (block) j++;
                while (j < toks.Count)
                {
                    if (toks[j].Kind == TK.Op && toks[j].Text == ")") break;
                    if (toks[j].Kind == TK.Semi)
                    {
                        j++;
                        if (!block) break;
                        continue;
                    }

                    string? alias = null;
                    if ((toks[j].Kind == TK.Ident) || (toks[j].Kind == TK.Op && toks[j].Text == "."))
                    {
                        alias = toks[j].Text;
                        j++;
                    }

                    if (j < toks.Count && toks[j].Kind == TK.Str)
                    {
                        string path = toks[j].Value;
                        alias ??= DefaultImportName(path);
                        map[alias] = path;
                    }

                    j++;
                    if (!block) break;
                }
            }

            return map;
        }

        private static string DefaultImportName(string path)
        {
            string last = path.Substring(path.LastIndexOf('/') + 1);
            if (Regex.IsMatch(last, @"^v\d+$") && path.Contains('/', StringComparison.Ordinal))
            {
                string rest = path.Substring(0, path.LastIndexOf('/'));
                last = rest.Substring(rest.LastIndexOf('/') + 1);
            }

            if (last.StartsWith("go-", StringComparison.Ordinal)) last = last.Substring(3);
            if (last.EndsWith("-go", StringComparison.Ordinal)) last = last.Substring(0, last.Length - 3);
            if (last.EndsWith(".go", StringComparison.Ordinal)) last = last.Substring(0, last.Length - 3);
            return last;
        }

        private static HashSet<string> CollectStringIdents(List<Tok> toks)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 1; i < toks.Count; i++)
            {
                if (toks[i].Kind != TK.Ident || toks[i].Text != "string" || toks[i - 1].Kind != TK.Ident) continue;
                if (i + 1 < toks.Count && toks[i + 1].Kind == TK.Op && toks[i + 1].Text == ".") continue;
                int j = i - 1;
                set.Add(toks[j].Text);
                while (j >= 2 && toks[j - 1].Kind == TK.Op && toks[j - 1].Text == "," && toks[j - 2].Kind == TK.Ident)
                {
                    j -= 2;
                    set.Add(toks[j].Text);
                }
            }

            return set;
        }
    }

    internal sealed record ConstDef(GoFile File, int From, int To);

    internal sealed class Repo
    {
        internal static readonly string[] Oses = { "darwin", "freebsd", "linux", "windows" };

        private static readonly HashSet<string> KnownOs = new(StringComparer.Ordinal)
        {
            "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl", "netbsd", "openbsd",
            "plan9", "solaris", "wasip1", "windows", "zos",
        };

        private static readonly HashSet<string> KnownArch = new(StringComparer.Ordinal)
        {
            "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle", "mips64", "mips64le",
            "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
        };

        public Repo(string root, string modulePath)
        {
            Root = root;
            ModulePath = modulePath;
        }

        public string Root { get; }

        /// <summary>The Go module path whose imports are this repository's own packages (from --product).</summary>
        public string ModulePath { get; }

        public List<GoFile> ScannedFiles { get; } = new();

        public Dictionary<string, int> SkipReasons { get; } = new(StringComparer.Ordinal);

        /// <summary>Package directory to constant (and package-level var) name to definitions.</summary>
        public Dictionary<string, Dictionary<string, List<ConstDef>>> Consts { get; } = new(StringComparer.Ordinal);

        public void Load()
        {
            foreach (string path in Directory.EnumerateFiles(Root, "*.go", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
            {
                string rel = Path.GetRelativePath(Root, path).Replace('\\', '/');
                string? skip = SkipReason(rel);
                if (skip == "third-party" || skip == "test file")
                {
                    Skip(skip);
                    continue;
                }

                string src = File.ReadAllText(path);
                var platforms = Platforms(rel, src);
                string dir = rel.Contains('/', StringComparison.Ordinal) ? rel.Substring(0, rel.LastIndexOf('/')) : ".";
                var file = new GoFile(rel, dir, Lexer.Lex(src), platforms);
                CollectConsts(file);
                if (skip != null)
                {
                    Skip(skip);
                    continue;
                }

                if (platforms.Count == 0)
                {
                    Skip("no windows/linux/darwin/freebsd build (or a test-only build tag)");
                    continue;
                }

                file.Included = true;
                ScannedFiles.Add(file);
            }
        }

        private void Skip(string reason)
        {
            SkipReasons[reason] = SkipReasons.TryGetValue(reason, out int v) ? v + 1 : 1;
        }

        private static string? SkipReason(string rel)
        {
            var parts = rel.Split('/');
            string name = parts[^1];
            if (parts[0] is "vendor" or "extra" or "Tools" || parts.Contains("vendor") || parts.Contains("third_party"))
            {
                return "third-party";
            }

            if (name.EndsWith("_test.go", StringComparison.Ordinal)) return "test file";
            if (rel.StartsWith("agent/integration-cli/", StringComparison.Ordinal)) return "integration test console (agent/integration-cli)";
            foreach (var p in parts.Take(parts.Length - 1))
            {
                string l = p.ToLowerInvariant();
                if (l is "mock" or "mocks" or "stubs" or "testdata" or "testutils" or "testutil" or "testhelpers" or "fakes")
                {
                    return "mock or test utility";
                }
            }

            if (parts.Length >= 2 && parts[0] == "internal" && parts[1] == "tests") return "mock or test utility";
            string lname = name.ToLowerInvariant();
            if (lname.Contains("mock", StringComparison.Ordinal) || lname.StartsWith("fake", StringComparison.Ordinal) || lname.StartsWith("test_", StringComparison.Ordinal) || lname.Contains("testutil", StringComparison.Ordinal))
            {
                return "mock or test utility";
            }

            return null;
        }

        // ------------------------------------------------------------ build constraints

        private static List<string> Platforms(string rel, string src)
        {
            string name = rel.Substring(rel.LastIndexOf('/') + 1);
            name = name.Substring(0, name.Length - 3);
            var parts = name.Split('_');
            string? fileOs = null;
            if (parts.Length >= 3 && KnownArch.Contains(parts[^1]) && KnownOs.Contains(parts[^2]))
            {
                fileOs = parts[^2];
            }
            else if (parts.Length >= 2 && KnownOs.Contains(parts[^1]))
            {
                fileOs = parts[^1];
            }

            string? goBuild = null;
            var plusBuild = new List<string>();
            foreach (string raw in src.Split('\n'))
            {
                string line = raw.Trim();
                if (line.StartsWith("package ", StringComparison.Ordinal)) break;
                if (line.StartsWith("//go:build", StringComparison.Ordinal))
                {
                    goBuild = line.Substring("//go:build".Length).Trim();
                }
                else if (Regex.IsMatch(line, @"^//\s*\+build\s"))
                {
                    plusBuild.Add(Regex.Replace(line, @"^//\s*\+build\s+", string.Empty));
                }
            }

            var result = new List<string>();
            foreach (string os in Oses)
            {
                if (fileOs != null && fileOs != os && !(fileOs == "android" && os == "linux")) continue;
                bool ok = true;
                if (goBuild != null)
                {
                    ok = new BuildExpr(goBuild, t => Tag(t, os)).Eval();
                }
                else
                {
                    foreach (string pb in plusBuild)
                    {
                        bool any = false;
                        foreach (string alt in pb.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        {
                            bool all = true;
                            foreach (string term in alt.Split(','))
                            {
                                bool neg = term.StartsWith('!');
                                string tag = neg ? term.Substring(1) : term;
                                if (Tag(tag, os) == neg) all = false;
                            }

                            any |= all;
                        }

                        ok &= any;
                    }
                }

                if (ok) result.Add(os);
            }

            return result;
        }

        private static bool Tag(string tag, string os)
        {
            if (tag == os) return true;
            if (tag == "unix") return os != "windows";
            if (KnownOs.Contains(tag)) return false;
            if (KnownArch.Contains(tag)) return true;
            if (tag.StartsWith("go1.", StringComparison.Ordinal)) return true;
            return tag is "gc" or "cgo";
        }

        private sealed class BuildExpr
        {
            private readonly List<string> toks;
            private readonly Func<string, bool> tag;
            private int pos;

            public BuildExpr(string expr, Func<string, bool> tag)
            {
                toks = Regex.Matches(expr, @"\|\||&&|!|\(|\)|[A-Za-z0-9_.]+").Select(m => m.Value).ToList();
                this.tag = tag;
            }

            public bool Eval()
            {
                pos = 0;
                return Or();
            }

            private bool Or()
            {
                bool v = And();
                while (pos < toks.Count && toks[pos] == "||")
                {
                    pos++;
                    v |= And();
                }

                return v;
            }

            private bool And()
            {
                bool v = Not();
                while (pos < toks.Count && toks[pos] == "&&")
                {
                    pos++;
                    v &= Not();
                }

                return v;
            }

            private bool Not()
            {
                if (pos < toks.Count && toks[pos] == "!")
                {
                    pos++;
                    return !Not();
                }

                if (pos < toks.Count && toks[pos] == "(")
                {
                    pos++;
                    bool v = Or();
                    if (pos < toks.Count && toks[pos] == ")") pos++;
                    return v;
                }

                return pos < toks.Count && tag(toks[pos++]);
            }
        }

        // ------------------------------------------------------------ constants

        private void CollectConsts(GoFile f)
        {
            var t = f.Toks;
            for (int i = 0; i < t.Count; i++)
            {
                if (t[i].Kind != TK.Ident) continue;
                bool isConst = t[i].Text == "const";
                bool isVar = t[i].Text == "var" && f.Depth[i] == 0;
                if (!isConst && !isVar) continue;
                if (i > 0 && f.IsOp(i - 1, ".")) continue;
                int j = i + 1;
                if (f.IsOp(j, "("))
                {
                    int close = f.Match[j];
                    if (close < 0) continue;
                    int s = j + 1;
                    for (int k = s; k <= close; k++)
                    {
                        if (k == close || (t[k].Kind == TK.Semi && f.Depth[k] == f.Depth[j] && Enclosed(f, j, k)))
                        {
                            AddSpec(f, s, k);
                            s = k + 1;
                        }
                    }

                    i = close;
                }
                else
                {
                    int k = j;
                    while (k < t.Count && t[k].Kind != TK.Semi)
                    {
                        if (f.Match[k] > k) k = f.Match[k];
                        k++;
                    }

                    AddSpec(f, j, k);
                }
            }
        }

        private static bool Enclosed(GoFile f, int open, int k)
        {
            // k is directly inside the bracket pair opened at open (not nested deeper in other parens).
            int d = 0;
            for (int x = open + 1; x < k; x++)
            {
                if (f.Toks[x].Kind == TK.Op && f.Toks[x].Text is "(" or "[" or "{") d++;
                else if (f.Toks[x].Kind == TK.Op && f.Toks[x].Text is ")" or "]" or "}") d--;
            }

            return d == 0;
        }

        private void AddSpec(GoFile f, int from, int to)
        {
            var t = f.Toks;
            var names = new List<string>();
            int k = from;
            while (k < to && t[k].Kind == TK.Ident)
            {
                names.Add(t[k].Text);
                k++;
                if (k < to && f.IsOp(k, ",")) k++;
                else break;
            }

            while (k < to && !f.IsOp(k, "=")) k++;
            if (k >= to || names.Count == 0) return;
            var exprs = Parse.SplitTopLevel(f, k + 1, to, ",");
            if (exprs.Count != names.Count) return;
            if (!Consts.TryGetValue(f.Dir, out var pkg))
            {
                pkg = new Dictionary<string, List<ConstDef>>(StringComparer.Ordinal);
                Consts[f.Dir] = pkg;
            }

            for (int n = 0; n < names.Count; n++)
            {
                if (names[n] == "_") continue;
                if (!pkg.TryGetValue(names[n], out var list))
                {
                    list = new List<ConstDef>();
                    pkg[names[n]] = list;
                }

                list.Add(new ConstDef(f, exprs[n].From, exprs[n].To));
            }
        }

        public string? PackageDir(string importPath)
        {
            if (!importPath.StartsWith(ModulePath, StringComparison.Ordinal)) return null;
            return importPath.Substring(ModulePath.Length);
        }
    }

    // ---------------------------------------------------------------- expressions

    internal enum VType
    {
        String,
        NonString,
        Unknown,
    }

    /// <summary>An argument rendered as a piece of template (a Go format string), with its static type as far as known.</summary>
    internal sealed record Val(string Text, VType Type, bool Resolved = false, bool Partial = false, string? Param = null, bool ParamFormatted = false)
    {
        public static readonly Val UnknownV = new("%v", VType.Unknown);
        public static readonly Val NonStringV = new("%v", VType.NonString);
        public static readonly Val StringV = new("%v", VType.String);
    }

    internal static class Parse
    {
        public static List<(int From, int To)> SplitTopLevel(GoFile f, int from, int to, string sep)
        {
            var res = new List<(int, int)>();
            int s = from;
            for (int k = from; k < to; k++)
            {
                if (f.Match[k] > k)
                {
                    k = f.Match[k];
                    continue;
                }

                if (f.IsOp(k, sep))
                {
                    res.Add((s, k));
                    s = k + 1;
                }
            }

            if (s < to) res.Add((s, to));
            return res;
        }

        public static readonly Regex Verb = new(@"%[-+# 0]*(\[\d+\])?(\*|\d+)?(\.(\*|\d+)?)?(\[\d+\])?[a-zA-Z]", RegexOptions.CultureInvariant);

        public static bool HasLiteral(string template)
        {
            string rest = Verb.Replace(template, string.Empty);
            return rest.Trim().Length > 0;
        }
    }

    internal sealed class Evaluator
    {
        private static readonly HashSet<string> StringFuncs = new(StringComparer.Ordinal)
        {
            "strings.Join", "strings.TrimSpace", "strings.Trim", "strings.TrimLeft", "strings.TrimRight", "strings.TrimPrefix",
            "strings.TrimSuffix", "strings.ToLower", "strings.ToUpper", "strings.Replace", "strings.ReplaceAll", "strings.Title",
            "strings.Repeat", "strconv.Itoa", "strconv.FormatInt", "strconv.FormatUint", "strconv.FormatBool", "strconv.FormatFloat",
            "strconv.Quote", "filepath.Join", "filepath.Base", "filepath.Dir", "filepath.Clean", "filepath.Ext", "path.Join",
            "path.Base", "path.Dir", "string", "hex.EncodeToString", "base64.StdEncoding.EncodeToString", "runtime.GOOS",
        };

        private readonly Repo repo;

        public Evaluator(Repo repo)
        {
            this.repo = repo;
        }

        /// <summary>Evaluates tokens [from,to) of f. formatMode: string literals are format strings (kept as written);
        /// otherwise a literal's % is doubled so that the result is still a format string.</summary>
        public Val Eval(GoFile f, int from, int to, bool formatMode, int depth, bool allowLocals = true)
        {
            var t = f.Toks;
            if (from >= to || depth > 8) return Val.UnknownV;

            // strip enclosing parens
            while (f.IsOp(from, "(") && f.Match[from] == to - 1)
            {
                from++;
                to--;
            }

            if (from >= to) return Val.UnknownV;

            // concatenation / other binary operators at top level
            var plus = new List<(int, int)>();
            int s = from;
            bool otherBinary = false;
            for (int k = from; k < to; k++)
            {
                if (f.Match[k] > k)
                {
                    k = f.Match[k];
                    continue;
                }

                if (t[k].Kind != TK.Op || k == from) continue;
                bool prevIsOperand = t[k - 1].Kind is TK.Ident or TK.Str or TK.Char or TK.Num || (t[k - 1].Kind == TK.Op && t[k - 1].Text is ")" or "]" or "}");
                if (!prevIsOperand) continue;
                if (t[k].Text == "+")
                {
                    plus.Add((s, k));
                    s = k + 1;
                }
                else if (t[k].Text is "==" or "!=" or "<" or ">" or "<=" or ">=" or "&&" or "||" or "-" or "*" or "/" or "%" or "&" or "|" or "^" or "<<" or ">>" or "&^")
                {
                    otherBinary = true;
                }
            }

            if (otherBinary) return Val.NonStringV;
            if (plus.Count > 0)
            {
                plus.Add((s, to));
                var parts = plus.Select(p => Eval(f, p.Item1, p.Item2, formatMode, depth + 1, allowLocals)).ToList();
                if (parts.Any(p => p.Type == VType.String))
                {
                    bool partial = parts.Any(p => p.Partial || (p.Text == "%v" && p.Type != VType.NonString));
                    return new Val(string.Concat(parts.Select(p => p.Text)), VType.String, parts.Any(p => p.Resolved), partial);
                }

                return parts.All(p => p.Type == VType.NonString) ? Val.NonStringV : Val.UnknownV;
            }

            if (to - from == 1)
            {
                var tok = t[from];
                switch (tok.Kind)
                {
                    case TK.Str:
                        return new Val(formatMode ? tok.Value : tok.Value.Replace("%", "%%", StringComparison.Ordinal), VType.String);
                    case TK.Num:
                    case TK.Char:
                        return Val.NonStringV;
                    case TK.Ident:
                        if (tok.Text is "true" or "false" or "nil" or "iota") return Val.NonStringV;
                        return ResolveIdent(f, from, tok.Text, formatMode, depth, allowLocals);
                    default:
                        return Val.UnknownV;
                }
            }

            if (t[from].Kind == TK.Op && t[from].Text is "&" or "*" or "<-" or "!" or "-" or "+" or "^")
            {
                return t[from].Text is "!" or "-" or "+" or "^" ? Val.NonStringV : Val.UnknownV;
            }

            // call: callee(args)
            if (f.IsOp(to - 1, ")") && f.Match[to - 1] > from)
            {
                int open = f.Match[to - 1];
                string? callee = SelectorText(f, from, open);
                if (callee != null)
                {
                    var args = Parse.SplitTopLevel(f, open + 1, to - 1, ",");
                    return EvalCall(f, callee, args, formatMode, depth, allowLocals);
                }

                return Val.UnknownV;
            }

            // selector a.b.c
            string? sel = SelectorText(f, from, to);
            if (sel != null)
            {
                var segs = sel.Split('.');
                if (segs.Length == 2 && f.Imports.TryGetValue(segs[0], out string? path))
                {
                    string? dir = repo.PackageDir(path);
                    if (dir != null)
                    {
                        var v = ResolveConst(f, dir, segs[1], formatMode, depth);
                        if (v != null) return v;
                    }

                    return sel == "runtime.GOOS" ? Val.StringV : Val.UnknownV;
                }

                return f.StringIdents.Contains(segs[^1]) ? Val.StringV : Val.UnknownV;
            }

            // x.(T), a[i], composite literals, func literals ...
            return Val.UnknownV;
        }

        /// <summary>Renders the message of a Sprint-style argument list (seelog's non-f variants, fmt.Sprint).</summary>
        public Val SprintJoin(GoFile f, List<(int From, int To)> args, int depth, bool allowLocals, bool sprintln = false)
        {
            var sb = new StringBuilder();
            VType? prev = null;
            bool resolved = false, partial = false;
            Val? single = null;
            foreach (var a in args)
            {
                var v = Eval(f, a.From, a.To, false, depth + 1, allowLocals);
                single = v;
                bool nonString = v.Type != VType.String;
                if (prev != null && (sprintln || (prev != VType.String && nonString))) sb.Append(' ');
                sb.Append(v.Text);
                prev = v.Type;
                resolved |= v.Resolved;
                partial |= v.Partial;
            }

            if (args.Count == 1 && single is { Param: not null })
            {
                return single with { Type = VType.String };
            }

            return new Val(sb.ToString(), VType.String, resolved, partial);
        }

        private Val EvalCall(GoFile f, string callee, List<(int From, int To)> args, bool formatMode, int depth, bool allowLocals)
        {
            var segs = callee.Split('.');
            string pkgPath = segs.Length >= 2 && f.Imports.TryGetValue(segs[0], out string? p) ? p : string.Empty;
            string fn = segs[^1];
            if (pkgPath == "fmt" && fn is "Sprintf" or "Errorf")
            {
                if (args.Count == 0) return Val.UnknownV;
                var v = Eval(f, args[0].From, args[0].To, true, depth + 1, allowLocals);
                return v with { Type = fn == "Errorf" ? VType.NonString : VType.String, ParamFormatted = v.Param != null };
            }

            if (pkgPath == "fmt" && fn is "Sprint" or "Sprintln")
            {
                return SprintJoin(f, args, depth, allowLocals, fn == "Sprintln");
            }

            if ((pkgPath is "errors" or "github.com/pkg/errors") && fn == "New" && args.Count == 1)
            {
                var v = Eval(f, args[0].From, args[0].To, false, depth + 1, allowLocals);
                return v with { Type = VType.NonString };
            }

            if (fn is "BuildMessage" or "BuildMessages" && args.Count >= 2 && (pkgPath.EndsWith("/agent/updateutil", StringComparison.Ordinal) || (segs.Length == 1 && f.Dir == "agent/updateutil")))
            {
                // updateutil.BuildMessage(err, format, params...) = Sprintf(format, params...) + ", ErrorMessage=" + err
                var v = Eval(f, args[1].From, args[1].To, true, depth + 1, allowLocals);
                bool noErr = args[0].To - args[0].From == 1 && f.Toks[args[0].From].Text == "nil";
                return v with { Text = v.Text + (noErr ? string.Empty : ", ErrorMessage=%v"), Type = VType.String };
            }

            if (args.Count == 0 && fn is "Error" or "String" && segs.Length >= 2) return Val.StringV;
            string qualified = pkgPath.Length > 0 ? pkgPath.Substring(pkgPath.LastIndexOf('/') + 1) + "." + string.Join(".", segs.Skip(1)) : callee;
            if (StringFuncs.Contains(qualified) || callee == "string") return Val.StringV;
            if (callee is "len" or "cap" or "int" or "int64" or "int32" or "uint" or "uint32" or "uint64" or "float64" or "bool") return Val.NonStringV;
            return Val.UnknownV;
        }

        /// <summary>Text of an identifier chain a.b.c over [from,to), or null when the range is anything else.</summary>
        public static string? SelectorText(GoFile f, int from, int to)
        {
            var sb = new StringBuilder();
            for (int k = from; k < to; k++)
            {
                bool expectIdent = (k - from) % 2 == 0;
                if (expectIdent)
                {
                    if (!f.IsIdent(k)) return null;
                    sb.Append(f.Toks[k].Text);
                }
                else
                {
                    if (!f.IsOp(k, ".")) return null;
                    sb.Append('.');
                }
            }

            return (to - from) % 2 == 1 ? sb.ToString() : null;
        }

        private Val ResolveIdent(GoFile f, int at, string name, bool formatMode, int depth, bool allowLocals)
        {
            if (allowLocals)
            {
                var local = FindLocal(f, at, name);
                if (local.Found)
                {
                    if (local.From < 0) return f.StringIdents.Contains(name) ? Val.StringV : Val.UnknownV;
                    var v = Eval(f, local.From, local.To, formatMode, depth + 1, true);
                    if (v.Type == VType.Unknown && f.StringIdents.Contains(name)) v = v with { Type = VType.String };
                    return v with { Resolved = v.Resolved || Parse.HasLiteral(v.Text) };
                }

                if (Funcs.Declaring(f, at, name) != null)
                {
                    var pv = f.StringIdents.Contains(name) ? Val.StringV : Val.UnknownV;
                    return pv with { Param = name, ParamFormatted = formatMode };
                }
            }

            var c = ResolveConst(f, f.Dir, name, formatMode, depth);
            if (c != null) return c;
            return f.StringIdents.Contains(name) ? Val.StringV : Val.UnknownV;
        }

        private Val? ResolveConst(GoFile user, string dir, string name, bool formatMode, int depth)
        {
            if (!repo.Consts.TryGetValue(dir, out var pkg) || !pkg.TryGetValue(name, out var defs)) return null;
            var values = new List<Val>();
            foreach (var d in defs)
            {
                if (!d.File.Platforms.Intersect(user.Platforms).Any() && d.File.Platforms.Count > 0) continue;
                var v = Eval(d.File, d.From, d.To, formatMode, depth + 1, false);
                values.Add(v);
            }

            var distinct = values.Select(v => v.Text + "\u0001" + v.Type).Distinct(StringComparer.Ordinal).ToList();
            if (distinct.Count != 1) return values.Count > 0 ? Val.UnknownV : null;
            var r = values[0];
            if (r.Text == "%v") return r;
            return r with { Resolved = true };
        }

        /// <summary>The right-hand side of the nearest assignment to name before token at, when that assignment's
        /// block encloses at (so it is the value that reaches the call). From &lt; 0: assigned by something we cannot read.</summary>
        private static (bool Found, int From, int To) FindLocal(GoFile f, int at, string name)
        {
            var t = f.Toks;

            // The enclosing top-level brace region.
            int regionStart = -1;
            for (int k = at; k >= 0; k--)
            {
                if (f.IsOp(k, "{") && f.Depth[k] == 0 && f.Match[k] > at)
                {
                    regionStart = k;
                    break;
                }
            }

            if (regionStart < 0) return (false, 0, 0);
            int minDepth = f.Depth[at];
            for (int j = at - 1; j > regionStart; j--)
            {
                minDepth = Math.Min(minDepth, f.Depth[j]);
                if (t[j].Kind != TK.Ident || t[j].Text != name || f.IsOp(j - 1, ".")) continue;

                // var name [T] = expr | var name T
                if (f.IsIdent(j - 1, "var"))
                {
                    if (f.Depth[j] > minDepth) continue;
                    int k = j + 1;
                    while (k < t.Count && t[k].Kind != TK.Semi && !f.IsOp(k, "=")) k++;
                    if (f.IsOp(k, "="))
                    {
                        int e = k + 1;
                        while (e < t.Count && t[e].Kind != TK.Semi)
                        {
                            if (f.Match[e] > e) e = f.Match[e];
                            e++;
                        }

                        return (true, k + 1, e);
                    }

                    return (true, -1, -1);
                }

                // name, other := / = ...
                int pos = 0;
                int lhsStart = j;
                while (lhsStart >= 2 && f.IsOp(lhsStart - 1, ",") && f.IsIdent(lhsStart - 2))
                {
                    lhsStart -= 2;
                    pos++;
                }

                int m = j + 1;
                int count = pos + 1;
                while (f.IsOp(m, ",") && f.IsIdent(m + 1))
                {
                    m += 2;
                    count++;
                }

                if (m < t.Count && t[m].Kind == TK.Op && t[m].Text is ":=" or "=" or "+=")
                {
                    // statement start check: the LHS must begin a statement
                    int before = lhsStart - 1;
                    bool stmt = before < 0 || t[before].Kind == TK.Semi || f.IsOp(before, "{") || f.IsOp(before, "}") || f.IsIdent(before, "if") || f.IsIdent(before, "for") || f.IsIdent(before, "switch") || f.IsOp(before, ":");
                    if (!stmt) continue;
                    if (f.Depth[j] > minDepth || t[m].Text == "+=") return (true, -1, -1);
                    int e = m + 1;
                    while (e < t.Count && t[e].Kind != TK.Semi && !f.IsOp(e, "{"))
                    {
                        if (f.Match[e] > e) e = f.Match[e];
                        e++;
                    }

                    var rhs = Parse.SplitTopLevel(f, m + 1, e, ",");
                    if (rhs.Count != count || f.IsIdent(m + 1, "range")) return (true, -1, -1);
                    return (true, rhs[pos].From, rhs[pos].To);
                }
            }

            return (false, 0, 0);
        }
    }

    // ---------------------------------------------------------------- functions and logging helpers

    /// <summary>A function declaration, method declaration or function literal.</summary>
    internal sealed record FuncSig(GoFile File, int FuncTok, string? Name, bool IsMethod, List<string> Params, List<string> Types, bool Variadic);

    internal static class Funcs
    {
        /// <summary>The innermost function enclosing token at whose parameters include name, or null.</summary>
        public static FuncSig? Declaring(GoFile f, int at, string name)
        {
            for (int k = at; k >= 0; k--)
            {
                if (!f.IsOp(k, "{") || f.Match[k] < at) continue;
                var sig = SignatureOf(f, k);
                if (sig != null && sig.Params.Contains(name)) return sig;
            }

            return null;
        }

        /// <summary>The innermost function whose body encloses token at, or null.</summary>
        public static FuncSig? Enclosing(GoFile f, int at)
        {
            for (int k = at; k >= 0; k--)
            {
                if (!f.IsOp(k, "{") || f.Match[k] < at) continue;
                var sig = SignatureOf(f, k);
                if (sig != null) return sig;
            }

            return null;
        }

        /// <summary>When the brace at open is a function body, its signature.</summary>
        public static FuncSig? SignatureOf(GoFile f, int open)
        {
            // walk back over the result type to the parameter list's ')' and then to 'func'
            int j = open - 1;
            while (j >= 0 && f.Toks[j].Kind != TK.Semi && !f.IsOp(j, "{") && !f.IsOp(j, "}") && !f.IsIdent(j, "func"))
            {
                if (f.Match[j] >= 0 && f.Match[j] < j) j = f.Match[j];
                j--;
            }

            if (!f.IsIdent(j, "func")) return null;
            int fi = j;
            int k = fi + 1;
            bool isMethod = false;
            string? name = null;
            if (f.IsOp(k, "(") && f.IsIdent(f.Match[k] + 1) && f.IsOp(f.Match[k] + 2, "("))
            {
                isMethod = true;
                name = f.Toks[f.Match[k] + 1].Text;
                k = f.Match[k] + 2;
            }
            else if (f.IsIdent(k) && f.IsOp(k + 1, "("))
            {
                name = f.Toks[k].Text;
                k++;
            }
            else if (f.IsIdent(k) && f.IsOp(k + 1, "[") && f.IsOp(f.Match[k + 1] + 1, "("))
            {
                name = f.Toks[k].Text;
                k = f.Match[k + 1] + 1;
            }
            else if (f.IsOp(k, "("))
            {
                // function literal: var name = func(...) / name := func(...)
                if ((f.IsOp(fi - 1, "=") || f.IsOp(fi - 1, ":=")) && f.IsIdent(fi - 2))
                {
                    name = f.Toks[fi - 2].Text;
                }
            }
            else
            {
                return null;
            }

            int close = f.Match[k];
            if (close < 0 || close > open) return null;
            var ps = new List<string>();
            var types = new List<string>();
            bool variadic = false;
            var parts = Parse.SplitTopLevel(f, k + 1, close, ",");
            bool named = parts.Any(p => p.To - p.From >= 2 && f.IsIdent(p.From) && !f.IsOp(p.From + 1, "."));
            string carried = string.Empty;
            for (int pi = parts.Count - 1; pi >= 0; pi--)
            {
                var p = parts[pi];
                int typeFrom = named ? p.From + 1 : p.From;
                string type = string.Concat(Enumerable.Range(typeFrom, Math.Max(0, p.To - typeFrom)).Select(x => f.Toks[x].Text));
                if (named && type.Length == 0) type = carried;
                carried = type;
                ps.Insert(0, named && f.IsIdent(p.From) ? f.Toks[p.From].Text : "_");
                types.Insert(0, type);
                for (int x = p.From; x < p.To; x++)
                {
                    if (f.IsOp(x, "...")) variadic = true;
                }
            }

            return new FuncSig(f, fi, name, isMethod, ps, types, variadic);
        }
    }

    /// <summary>A function that logs a message it receives as a parameter; its callers are the real call sites.</summary>
    internal sealed class Helper
    {
        public Helper(FuncSig sig, int paramIndex, bool formatted)
        {
            Sig = sig;
            ParamIndex = paramIndex;
            Formatted = formatted;
        }

        public FuncSig Sig { get; }

        public int ParamIndex { get; }

        public bool Formatted { get; }

        public HashSet<string> Levels { get; } = new(StringComparer.Ordinal);

        /// <summary>The rows the helper's own log calls give (template %v), kept when no caller is found.</summary>
        public List<Row> Fallback { get; } = new();

        public string Key => Sig.File.Rel + "#" + Sig.FuncTok.ToString(CultureInfo.InvariantCulture) + "#" + ParamIndex.ToString(CultureInfo.InvariantCulture);

        public string Describe => $"{Sig.File.Rel}:{Sig.File.Toks[Sig.FuncTok].Line} {(Sig.IsMethod ? "method " : "func ")}{Sig.Name ?? "(literal)"} param {Sig.Params[ParamIndex]} [{string.Join(",", Levels.OrderBy(l => l, StringComparer.Ordinal))}] (logged at {Fallback[0].File}:{Fallback[0].Line})";
    }

    internal sealed class HelperResolver
    {
        private static readonly string[] Severity = { "Trace", "Debug", "Info", "Warn", "Error", "Critical" };

        private readonly Repo repo;
        private readonly Evaluator ev;
        private readonly Dictionary<string, Helper> helpers = new(StringComparer.Ordinal);
        private readonly List<Row> rows = new();
        private Dictionary<string, List<(GoFile File, int Tok)>>? callIndex;
        private Dictionary<string, List<FuncSig>>? methodDecls;

        public HelperResolver(Repo repo)
        {
            this.repo = repo;
            ev = new Evaluator(repo);
        }

        public List<string> Unresolved { get; } = new();

        public List<string> Resolved { get; } = new();

        /// <summary>Registers a log call whose whole message is parameter v.Param of its enclosing function.
        /// Returns false when that function cannot be followed to its callers (an anonymous closure).</summary>
        public bool Add(GoFile f, int at, Val v, string level, Row fallback)
        {
            var sig = v.Param == null ? null : Funcs.Declaring(f, at, v.Param);
            if (sig == null || sig.Name == null || v.Param == "_" || CallScanner.IsLevelMethod(sig.Name)) return false;
            int idx = sig.Params.IndexOf(v.Param!);
            var h = new Helper(sig, idx, v.ParamFormatted);
            if (helpers.TryGetValue(h.Key, out var existing)) h = existing;
            else helpers[h.Key] = h;
            h.Levels.Add(level);
            h.Fallback.Add(fallback);
            return true;
        }

        public List<Row> Resolve()
        {
            var done = new HashSet<string>(StringComparer.Ordinal);
            for (int round = 0; round < 4; round++)
            {
                var todo = helpers.Values.Where(h => !done.Contains(h.Key)).ToList();
                if (todo.Count == 0) break;
                foreach (var h in todo)
                {
                    done.Add(h.Key);
                    int found = 0;
                    foreach (var (file, tok) in CallsOf(h))
                    {
                        found++;
                        var args = Parse.SplitTopLevel(file, tok + 2, file.Match[tok + 1], ",");
                        var v = ev.Eval(file, args[h.ParamIndex].From, args[h.ParamIndex].To, h.Formatted, 0);
                        string level = ChooseLevel(h, file, args);
                        var row = new Row("log", level, file.PlatformText, file.Dir, file.Rel, file.Toks[tok].Line, file.Toks[tok].Column,
                            Parse.HasLiteral(v.Text) ? v.Text : "%v", v.Resolved, v.Partial, "helper",
                            string.Join(" ", file.Toks.Skip(args[h.ParamIndex].From).Take(args[h.ParamIndex].To - args[h.ParamIndex].From).Select(t => t.Text)));
                        if (!Parse.HasLiteral(v.Text) && v.Param != null)
                        {
                            // the caller passes its own parameter on: follow its callers in a later round
                            var sig = Funcs.Declaring(file, tok, v.Param);
                            if (sig != null && sig.Name != null)
                            {
                                var chained = new Helper(sig, sig.Params.IndexOf(v.Param), v.ParamFormatted);
                                if (!helpers.TryGetValue(chained.Key, out var ex))
                                {
                                    helpers[chained.Key] = chained;
                                    ex = chained;
                                }

                                ex.Levels.Add(level);
                                ex.Fallback.Add(row);
                                continue;
                            }
                        }

                        rows.Add(row);
                    }

                    if (found == 0)
                    {
                        rows.AddRange(h.Fallback);
                        Unresolved.Add(h.Describe + ": no caller found");
                    }
                    else
                    {
                        Resolved.Add(h.Describe + $": {found} call sites");
                    }
                }
            }

            return rows;
        }

        private static string ChooseLevel(Helper h, GoFile file, List<(int From, int To)> args)
        {
            if (h.Levels.Count == 1) return h.Levels.First();
            foreach (var a in args)
            {
                string? sel = Evaluator.SelectorText(file, a.From, a.To);
                if (sel == null) continue;
                foreach (string lvl in Severity)
                {
                    if (sel.EndsWith("." + lvl + "Lvl", StringComparison.Ordinal) && h.Levels.Contains(lvl)) return lvl;
                }
            }

            var ordered = Severity.Where(h.Levels.Contains).ToList();
            bool zeroArg = args.Count > 0 && args[0].To - args[0].From == 1 && file.Toks[args[0].From].Text == "0";
            return zeroArg ? ordered[0] : ordered[^1];
        }

        private IEnumerable<(GoFile File, int Tok)> CallsOf(Helper h)
        {
            BuildIndex();
            var sig = h.Sig;
            if (!callIndex!.TryGetValue(sig.Name!, out var sites)) yield break;
            foreach (var (file, tok) in sites)
            {
                bool sameDir = file.Dir == sig.File.Dir;
                bool imports = file.Imports.Values.Any(p => repo.PackageDir(p) == sig.File.Dir);
                if (!sameDir && !imports) continue;
                if (file == sig.File && tok == sig.FuncTok + 1) continue;
                bool qualified = file.IsOp(tok - 1, ".");
                if (file.IsIdent(tok - 1, "func")) continue;
                if (sig.IsMethod)
                {
                    if (!qualified) continue;
                }
                else if (qualified)
                {
                    // pkg.Func(...) from another package
                    if (!file.IsIdent(tok - 2) || !file.Imports.TryGetValue(file.Toks[tok - 2].Text, out string? path) || repo.PackageDir(path) != sig.File.Dir) continue;
                }
                else if (!sameDir)
                {
                    continue;
                }

                var args = Parse.SplitTopLevel(file, tok + 2, file.Match[tok + 1], ",");
                if (!Compatible(sig, file, args) || h.ParamIndex >= args.Count) continue;
                if (sig.IsMethod && Ambiguous(sig, file, args)) continue;
                yield return (file, tok);
            }
        }

        /// <summary>Arity matches, and no string literal is passed where the parameter is not a string.</summary>
        private static bool Compatible(FuncSig sig, GoFile file, List<(int From, int To)> args)
        {
            int n = args.Count;
            if (!(sig.Variadic ? n >= sig.Params.Count - 1 : n == sig.Params.Count)) return false;
            for (int i = 0; i < n; i++)
            {
                string type = sig.Types[Math.Min(i, sig.Types.Count - 1)].Replace("...", string.Empty, StringComparison.Ordinal);
                bool stringLiteral = file.Toks[args[i].From].Kind == TK.Str;
                if (stringLiteral && type is not ("string" or "interface{}" or "any")) return false;
            }

            return true;
        }

        /// <summary>Another method of the same name and a compatible arity is visible to the caller: we cannot tell them apart.</summary>
        private bool Ambiguous(FuncSig sig, GoFile caller, List<(int From, int To)> args)
        {
            if (!methodDecls!.TryGetValue(sig.Name!, out var decls)) return false;
            foreach (var d in decls)
            {
                if (d.File == sig.File && d.FuncTok == sig.FuncTok) continue;
                bool visible = d.File.Dir == caller.Dir || caller.Imports.Values.Any(p => repo.PackageDir(p) == d.File.Dir);
                if (visible && Compatible(d, caller, args))
                {
                    Stats.Inc("helper method calls skipped as ambiguous (same-named method elsewhere)");
                    return true;
                }
            }

            return false;
        }

        private void BuildIndex()
        {
            if (callIndex != null) return;
            callIndex = new Dictionary<string, List<(GoFile, int)>>(StringComparer.Ordinal);
            methodDecls = new Dictionary<string, List<FuncSig>>(StringComparer.Ordinal);
            foreach (var f in repo.ScannedFiles)
            {
                for (int i = 0; i + 1 < f.Toks.Count; i++)
                {
                    if (f.Toks[i].Kind != TK.Ident || !f.IsOp(i + 1, "(") || f.Match[i + 1] < 0) continue;
                    string name = f.Toks[i].Text;
                    if (!callIndex.TryGetValue(name, out var list))
                    {
                        list = new List<(GoFile, int)>();
                        callIndex[name] = list;
                    }

                    list.Add((f, i));
                    if (f.IsIdent(i - 1, "func") || (f.IsOp(i - 1, ")") && f.Match[i - 1] > 0 && f.IsIdent(f.Match[i - 1] - 1, "func")))
                    {
                        int body = f.Match[i + 1] + 1;
                        while (body < f.Toks.Count && !f.IsOp(body, "{") && f.Toks[body].Kind != TK.Semi)
                        {
                            if (f.Match[body] > body) body = f.Match[body];
                            body++;
                        }

                        if (f.IsOp(body, "{"))
                        {
                            var sig = Funcs.SignatureOf(f, body);
                            if (sig is { IsMethod: true })
                            {
                                if (!methodDecls.TryGetValue(name, out var ml))
                                {
                                    ml = new List<FuncSig>();
                                    methodDecls[name] = ml;
                                }

                                ml.Add(sig);
                            }
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- call sites

    internal sealed class CallScanner
    {
        private static readonly Dictionary<string, (string Level, bool Formatted)> Methods = new(StringComparer.Ordinal)
        {
            ["Trace"] = ("Trace", false), ["Tracef"] = ("Trace", true),
            ["Debug"] = ("Debug", false), ["Debugf"] = ("Debug", true),
            ["Info"] = ("Info", false), ["Infof"] = ("Info", true),
            ["Warn"] = ("Warn", false), ["Warnf"] = ("Warn", true),
            ["Error"] = ("Error", false), ["Errorf"] = ("Error", true),
            ["Critical"] = ("Critical", false), ["Criticalf"] = ("Critical", true),
        };

        private readonly GoFile f;
        private readonly Evaluator ev;
        private readonly HelperResolver helpers;

        public CallScanner(Repo repo, GoFile f, HelperResolver helpers)
        {
            this.f = f;
            this.helpers = helpers;
            ev = new Evaluator(repo);
        }

        public static bool IsLevelMethod(string name) => Methods.ContainsKey(name);

        public IEnumerable<Row> Scan()
        {
            var t = f.Toks;
            for (int i = 1; i + 1 < t.Count; i++)
            {
                if (t[i].Kind != TK.Ident || !f.IsOp(i - 1, ".") || !f.IsOp(i + 1, "(")) continue;
                int close = f.Match[i + 1];
                if (close < 0) continue;
                string name = t[i].Text;
                string recv = Receiver(i - 2, out int recvStart);
                string root = recv.Split('.')[0];
                f.Imports.TryGetValue(root, out string? rootPkg);

                if (name == "Errorf" && rootPkg == "fmt")
                {
                    var args = Parse.SplitTopLevel(f, i + 2, close, ",");
                    if (args.Count == 0) continue;
                    var v = ev.Eval(f, args[0].From, args[0].To, true, 0);
                    yield return MakeRow("errtext", string.Empty, i, v);
                    continue;
                }

                if (name == "New" && (rootPkg is "errors" or "github.com/pkg/errors") && recv == root)
                {
                    var args = Parse.SplitTopLevel(f, i + 2, close, ",");
                    if (args.Count != 1) continue;
                    var v = ev.Eval(f, args[0].From, args[0].To, false, 0);
                    yield return MakeRow("errtext", string.Empty, i, v);
                    continue;
                }

                if (!Methods.TryGetValue(name, out var m)) continue;
                var argList = Parse.SplitTopLevel(f, i + 2, close, ",");
                string site = f.Rel + ":" + t[i].Line.ToString(CultureInfo.InvariantCulture);
                bool logReceiver = recv.Split('.').Any(p => p.Contains("log", StringComparison.OrdinalIgnoreCase));
                if (!logReceiver || argList.Count == 0)
                {
                    string key = (recv.Length == 0 ? "?" : recv) + "." + name + (argList.Count == 0 ? "()" : "(..)");
                    Stats.Rejected[key] = Stats.Rejected.TryGetValue(key, out var r) ? (r.Count + 1, r.First) : (1, site);
                    continue;
                }

                Stats.Accepted[recv] = Stats.Accepted.TryGetValue(recv, out int a) ? a + 1 : 1;
                bool spread = f.IsOp(argList[^1].To - 1, "...");
                Val val;
                if (m.Formatted)
                {
                    val = ev.Eval(f, argList[0].From, argList[0].To, true, 0);
                    if (!Parse.HasLiteral(val.Text) && val.Param != null && helpers.Add(f, i, val, m.Level, MakeRow("log", m.Level, i, val)))
                    {
                        continue;
                    }

                    if (!Parse.HasLiteral(val.Text) && (spread || argList.Count == 1 && f.IsOp(argList[0].To - 1, "...")))
                    {
                        Stats.Forwarders.Add(site + "  " + recv + "." + name);
                        Stats.Inc("forwarders excluded (wrappers passing a format and ... on)");
                        continue;
                    }
                }
                else
                {
                    if (spread && argList.Count == 1)
                    {
                        Stats.Forwarders.Add(site + "  " + recv + "." + name);
                        Stats.Inc("forwarders excluded (wrappers passing a format and ... on)");
                        continue;
                    }

                    val = ev.SprintJoin(f, argList, 0, true);
                    if (!Parse.HasLiteral(val.Text) && val.Param != null && helpers.Add(f, i, val, m.Level, MakeRow("log", m.Level, i, val)))
                    {
                        continue;
                    }
                }

                yield return MakeRow("log", m.Level, i, val);
            }
        }

        private Row MakeRow(string kind, string level, int i, Val v)
        {
            string template = Parse.HasLiteral(v.Text) ? v.Text : "%v";
            bool partial = v.Partial && template != "%v";
            string raw = string.Empty;
            if (template == "%v" && f.Match[i + 1] > i + 1)
            {
                raw = string.Join(" ", f.Toks.Skip(i + 2).Take(f.Match[i + 1] - i - 2).Select(t => t.Text));
            }

            return new Row(kind, level, f.PlatformText, f.Dir, f.Rel, f.Toks[i].Line, f.Toks[i].Column, template, v.Resolved && template != "%v", partial, string.Empty, raw);
        }

        /// <summary>Receiver expression text ending at token end (the token before the '.'), e.g. context.Log() or p.log.</summary>
        private string Receiver(int end, out int start)
        {
            var parts = new List<string>();
            int j = end;
            start = end + 1;
            while (j >= 0)
            {
                var tk = f.Toks[j];
                string part;
                if (tk.Kind == TK.Op && tk.Text is ")" or "]")
                {
                    int open = f.Match[j];
                    if (open < 0) break;
                    string suffix = tk.Text == ")" ? "()" : "[]";
                    j = open - 1;
                    if (f.IsIdent(j))
                    {
                        part = f.Toks[j].Text + suffix;
                        j--;
                    }
                    else if (f.IsOp(j, "."))
                    {
                        part = "(T)";
                    }
                    else
                    {
                        part = suffix;
                    }
                }
                else if (tk.Kind == TK.Ident)
                {
                    part = tk.Text;
                    j--;
                }
                else
                {
                    break;
                }

                parts.Insert(0, part);
                start = j + 1;
                if (f.IsOp(j, "."))
                {
                    j--;
                    continue;
                }

                break;
            }

            return string.Join(".", parts);
        }
    }

    // ---------------------------------------------------------------- summary

    internal static class Summary
    {
        private sealed record ScopeRule(string Family, string Version, string Pattern);

        private sealed record TRow(string Kind, string Level, string Platform, string Component, string File, string Template);

        public static int Run(string[] args)
        {
            if (args.Length < 3) throw new UsageException("summary needs <scope.tsv> <templates-dir> <version>...");
            var rules = File.ReadAllLines(args[0])
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => l.Split('\t'))
                .Where(p => p.Length >= 3 && p[0] != "family")
                .Select(p => new ScopeRule(p[0], p[1], p[2]))
                .ToList();
            var families = rules.Select(r => r.Family).Distinct().ToList();
            var versions = args.Skip(2).ToList();
            var data = new Dictionary<string, List<TRow>>(StringComparer.Ordinal);
            foreach (var v in versions)
            {
                data[v] = File.ReadAllLines(Path.Combine(args[1], v + ".tsv"))
                    .Where(l => l.Length > 0 && !l.StartsWith('#'))
                    .Select(l => l.Split('\t'))
                    .Select(p => new TRow(p[0], p[1], p[2], p[3], p[4].Substring(0, p[4].LastIndexOf(':')), p[5]))
                    .ToList();
            }

            var o = Console.Out;
            o.WriteLine("Log templates in scope: distinct level+template per family and version (call sites in parentheses).");
            o.WriteLine("'%v'-only templates (message entirely non-literal) are not counted.");
            o.WriteLine();
            string header = $"| {"family",-22} | {"version",-11} | {"Error/Crit",-11} | {"Warn",-11} | {"Info",-11} | {"Debug",-11} |";
            o.WriteLine(header);
            o.WriteLine("|" + new string('-', 24) + "|" + new string('-', 13) + "|" + string.Concat(Enumerable.Repeat(new string('-', 13) + "|", 4)));
            var distinctEw = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            var allEw = new HashSet<string>(StringComparer.Ordinal);
            foreach (var fam in families.Append("(all files)"))
            {
                var ew = new HashSet<string>(StringComparer.Ordinal);
                foreach (var v in versions)
                {
                    var famRules = rules.Where(r => r.Family == fam && VersionMatch(r.Version, v)).ToList();
                    var rows = data[v].Where(r => r.Kind == "log" && r.Template != "%v" && (fam == "(all files)" || famRules.Any(r2 => Matches(r2.Pattern, r)))).ToList();
                    string Cell(params string[] levels)
                    {
                        var sel = rows.Where(r => levels.Contains(r.Level)).ToList();
                        return $"{sel.Select(r => r.Level + "\t" + r.Template).Distinct().Count()} ({sel.Count})";
                    }

                    o.WriteLine($"| {fam,-22} | {v,-11} | {Cell("Error", "Critical"),-11} | {Cell("Warn"),-11} | {Cell("Info"),-11} | {Cell("Debug"),-11} |");
                    foreach (var r in rows.Where(r => r.Level is "Error" or "Critical" or "Warn"))
                    {
                        ew.Add(r.Level + "\t" + r.Template);
                    }
                }

                distinctEw[fam] = ew;
                if (fam != "(all files)") allEw.UnionWith(ew);
            }

            o.WriteLine();
            o.WriteLine("Distinct ERROR+WARN templates across " + string.Join(", ", versions) + " (dedupe on level+template):");
            foreach (var (fam, set) in distinctEw)
            {
                o.WriteLine($"  {fam,-22} {set.Count}");
            }

            o.WriteLine($"  {"(union of families)",-22} {allEw.Count}");
            return 0;
        }

        private static bool VersionMatch(string pattern, string version)
        {
            if (pattern == "*") return true;
            return pattern.Split(',').Any(p => p.EndsWith('*') ? version.StartsWith(p.TrimEnd('*'), StringComparison.Ordinal) : p == version);
        }

        private static bool Matches(string pattern, TRow r)
        {
            if (pattern.StartsWith("platform=", StringComparison.Ordinal))
            {
                return r.Platform == pattern.Substring("platform=".Length);
            }

            if (pattern.Contains('*', StringComparison.Ordinal))
            {
                string re = "^" + Regex.Escape(pattern).Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal).Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$";
                return Regex.IsMatch(r.File, re);
            }

            return r.File.StartsWith(pattern, StringComparison.Ordinal);
        }
    }
}
