using System.ComponentModel;
using System.Runtime.InteropServices;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>Sends SIGTERM, which .NET's Process class cannot: it only kills (SIGKILL).</summary>
internal static class PosixSignal
{
    private const int SigTerm = 15;

    public static void Terminate(int processId)
    {
        if (kill(processId, SigTerm) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            const int NoSuchProcess = 3; // ESRCH: it exited already, which is what was asked
            if (error != NoSuchProcess) throw new Win32Exception(error, $"Sending SIGTERM to process {processId} failed.");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
