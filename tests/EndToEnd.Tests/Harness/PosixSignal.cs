using System.ComponentModel;
using System.Runtime.InteropServices;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>Sends SIGTERM, SIGSTOP and SIGCONT, which .NET's Process class cannot: it only kills (SIGKILL).</summary>
internal static class PosixSignal
{
    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    public static void Terminate(int processId) => Send(processId, SigTerm, "SIGTERM");

    /// <summary>Freezes the process: it runs no instruction, reads no socket, until <see cref="Continue"/>.</summary>
    public static void Freeze(int processId) => Send(processId, SigStop, "SIGSTOP");

    public static void Continue(int processId) => Send(processId, SigCont, "SIGCONT");

    private static void Send(int processId, int signal, string name)
    {
        if (kill(processId, signal) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            const int NoSuchProcess = 3; // ESRCH: it exited already, which is what was asked
            if (error != NoSuchProcess) throw new Win32Exception(error, $"Sending {name} to process {processId} failed.");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
