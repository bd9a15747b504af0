using System.Diagnostics;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Finds processes that hold a database file open, so a restore is refused instead of pulling the file
/// out from under an application (SQLite connections would keep writing to the replaced inode).
/// </summary>
public static class DatabaseFileGuard
{
    /// <summary>Processes with the database or its -wal/-shm/-journal open, as "name (pid N)".</summary>
    public static IReadOnlyList<string> FindHolders(string databasePath)
    {
        var full = Path.GetFullPath(databasePath);
        var targets = new HashSet<string>(StringComparer.Ordinal) { full, full + "-wal", full + "-shm", full + "-journal" };
        if (OperatingSystem.IsLinux()) return FindHoldersInProc(targets);
        if (OperatingSystem.IsWindows()) return FindHoldersByExclusiveOpen(targets);
        return FindHoldersWithLsof(targets);
    }

    private static IReadOnlyList<string> FindHoldersInProc(HashSet<string> targets)
    {
        var holders = new List<string>();
        foreach (var procDir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(procDir), out var pid)) continue;
            IEnumerable<string> fds;
            try { fds = Directory.EnumerateFiles(Path.Combine(procDir, "fd")).ToList(); }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException) { continue; } // not ours to see, or gone
            foreach (var fd in fds)
            {
                string? target;
                try { target = new FileInfo(fd).LinkTarget; }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException) { continue; }
                if (target is not null && targets.Contains(target))
                {
                    holders.Add(Describe(pid));
                    break;
                }
            }
        }
        return holders;
    }

    private static IReadOnlyList<string> FindHoldersByExclusiveOpen(HashSet<string> targets)
    {
        foreach (var path in targets.Where(File.Exists))
        {
            try
            {
                using var _ = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                return new[] { $"another process (it holds {Path.GetFileName(path)} open)" };
            }
        }
        return Array.Empty<string>();
    }

    private static IReadOnlyList<string> FindHoldersWithLsof(HashSet<string> targets)
    {
        var existing = targets.Where(File.Exists).ToArray();
        if (existing.Length == 0) return Array.Empty<string>();
        try
        {
            var psi = new ProcessStartInfo("lsof", new[] { "-t" }.Concat(existing)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var lsof = Process.Start(psi);
            if (lsof is null) return Array.Empty<string>();
            var output = lsof.StandardOutput.ReadToEnd();
            lsof.WaitForExit();
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => int.TryParse(p, out var pid) ? Describe(pid) : p).Distinct().ToList();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return Array.Empty<string>(); // no lsof: cannot tell, SQLite's own locking is the last guard
        }
    }

    private static string Describe(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return $"{process.ProcessName} (pid {pid})";
        }
        catch (ArgumentException) { return $"pid {pid}"; }
        catch (InvalidOperationException) { return $"pid {pid}"; }
    }
}
