namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>The supervised nats-server exited without being asked to; a restart follows.</summary>
public sealed class EmbeddedNatsServerExitedEventArgs : EventArgs
{
    public EmbeddedNatsServerExitedEventArgs(int processId, int exitCode, string recentOutput)
    {
        ProcessId = processId;
        ExitCode = exitCode;
        RecentOutput = recentOutput;
    }

    public int ProcessId { get; }

    /// <summary>The exit code; on Unix a process killed by signal N reports 128 + N.</summary>
    public int ExitCode { get; }

    /// <summary>The last lines the process wrote, which usually say why it stopped.</summary>
    public string RecentOutput { get; }
}
