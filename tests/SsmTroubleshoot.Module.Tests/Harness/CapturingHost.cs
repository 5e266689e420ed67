using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace SsmTroubleshoot.Module.Tests.Harness;

/// <summary>A PSHost that records what would be written to the console, and answers prompts from a queue.</summary>
public sealed class CapturingHost : PSHost
{
    private readonly CapturingHostUI _ui;
    private readonly Guid _id = Guid.NewGuid();

    public CapturingHost(int width) => _ui = new CapturingHostUI(width);

    public string Text => _ui.Text;

    /// <summary>Answers for PromptForChoice (index of the choice), in order; default choice when empty.</summary>
    public Queue<int> ChoiceAnswers => _ui.ChoiceAnswers;

    /// <summary>Captions and messages of the prompts shown (e.g. -Confirm).</summary>
    public List<string> Prompts => _ui.Prompts;

    public void Clear() => _ui.Clear();

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId => _id;
    public override string Name => "SsmTroubleshootTestHost";
    public override PSHostUserInterface UI => _ui;
    public override Version Version => new(1, 0);
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }

    private sealed class CapturingHostUI : PSHostUserInterface
    {
        private readonly StringBuilder _text = new();
        private readonly CapturingRawUI _raw;

        public CapturingHostUI(int width) => _raw = new CapturingRawUI(width);

        public Queue<int> ChoiceAnswers { get; } = new();
        public List<string> Prompts { get; } = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public void Clear()
        {
            lock (_text)
            {
                _text.Clear();
            }
        }

        public override PSHostRawUserInterface RawUI => _raw;

        private void Append(string value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            Prompts.Add(caption + "\n" + message);
            return new Dictionary<string, PSObject>();
        }

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add(caption + "\n" + message);
            return ChoiceAnswers.Count > 0 ? ChoiceAnswers.Dequeue() : defaultChoice;
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
        public override string ReadLine() => string.Empty;
        public override SecureString ReadLineAsSecureString() => new();
        public override void Write(string value) => Append(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);
        public override void WriteLine(string value) => Append(value + "\n");
        public override void WriteErrorLine(string value) => Append("ERROR: " + value + "\n");
        public override void WriteDebugLine(string message) => Append("DEBUG: " + message + "\n");
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) => Append("VERBOSE: " + message + "\n");
        public override void WriteWarningLine(string message) => Append("WARNING: " + message + "\n");
    }

    private sealed class CapturingRawUI : PSHostRawUserInterface
    {
        public CapturingRawUI(int width)
        {
            BufferSize = new Size(width, 3000);
            WindowSize = new Size(width, 50);
        }

        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override Size BufferSize { get; set; }
        public override Coordinates CursorPosition { get; set; }
        public override int CursorSize { get; set; }
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.White;
        public override bool KeyAvailable => false;
        public override Size MaxPhysicalWindowSize => WindowSize;
        public override Size MaxWindowSize => WindowSize;
        public override Coordinates WindowPosition { get; set; }
        public override Size WindowSize { get; set; }
        public override string WindowTitle { get; set; } = string.Empty;
        public override void FlushInputBuffer() { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
    }
}
