using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;

namespace HarmonyLite.Bench.Sidecars;

/// <summary>
/// The Linux process table as the sidecar harness needs it: resident memory, children and command lines from
/// <c>/proc</c>, and the signals .NET's <see cref="System.Diagnostics.Process"/> cannot send (it only kills).
/// </summary>
internal static class ProcFs
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Resident set size (VmRSS) in bytes; null when the process is gone.</summary>
    public static long? ResidentBytes(int processId)
    {
        var status = ReadOrNull($"/proc/{Id(processId)}/status");
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        if (line is null) return null;
        var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
        return long.Parse(kilobytes, NumberStyles.None, CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>CPU time the process has used, user and system (utime + stime); null when the process is gone.</summary>
    public static TimeSpan? CpuTime(int processId)
    {
        // Fields after "(comm) " start at state (field 3): utime is field 14, stime field 15, in clock ticks.
        if (StatFields(processId) is not { Length: > 12 } fields) return null;
        var ticks = long.Parse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture)
            + long.Parse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    // sysconf(_SC_CLK_TCK) is 100 on every Linux kernel configuration in use.
    private const int ClockTicksPerSecond = 100;

    /// <summary>The processes whose parent is <paramref name="parentId"/> and whose name (comm) is <paramref name="name"/>.</summary>
    public static IReadOnlyList<int> Children(int parentId, string name) =>
        AllProcesses().Where(p => ParentOf(p) == parentId && NameOf(p) == name).ToList();

    /// <summary>Processes named <paramref name="name"/> whose command line contains <paramref name="text"/> (a directory only they use).</summary>
    public static IReadOnlyList<int> Find(string name, string text) =>
        AllProcesses().Where(p => NameOf(p) == name && (CommandLine(p)?.Contains(text, StringComparison.Ordinal) ?? false)).ToList();

    public static string? CommandLine(int processId) => ReadOrNull($"/proc/{Id(processId)}/cmdline")?.Replace('\0', ' ').Trim();

    public static bool IsAlive(int processId) => Directory.Exists($"/proc/{Id(processId)}") && StateOf(processId) is not (null or 'Z' or 'X');

    public static void Terminate(int processId) => Send(processId, SigTerm, "SIGTERM");

    public static void Kill(int processId) => Send(processId, SigKill, "SIGKILL");

    private static IEnumerable<int> AllProcesses()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id)) yield return id;
    }

    // /proc/<pid>/stat is "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    private static string[]? StatFields(int processId)
    {
        var stat = ReadOrNull($"/proc/{Id(processId)}/stat");
        var close = stat?.LastIndexOf(')') ?? -1;
        return close < 0 ? null : stat![(close + 2)..].Split(' ');
    }

    private static int? ParentOf(int processId) =>
        StatFields(processId) is { Length: > 1 } fields && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : null;

    private static char? StateOf(int processId) => StatFields(processId) is { Length: > 0 } fields && fields[0].Length > 0 ? fields[0][0] : null;

    private static string? NameOf(int processId) => ReadOrNull($"/proc/{Id(processId)}/comm")?.Trim();

    private static string? ReadOrNull(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }

    private static string Id(int processId) => processId.ToString(CultureInfo.InvariantCulture);

    private static void Send(int processId, int signal, string name)
    {
        if (kill(processId, signal) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error != NoSuchProcess) throw new Win32Exception(error, $"Sending {name} to process {processId} failed.");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
