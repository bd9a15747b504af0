namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// Where this machine's stable identity comes from: the first non-empty machine-id file, else the host name.
/// Used to derive a <c>node_id</c> when the configuration sets none.
/// </summary>
public sealed class MachineIdentity(IReadOnlyList<string> machineIdFiles, Func<string> hostName)
{
    /// <summary>The files tried, in order, for messages.</summary>
    public IReadOnlyList<string> MachineIdFiles => machineIdFiles;

    /// <summary>This machine: <c>/etc/machine-id</c>, <c>/var/lib/dbus/machine-id</c>, then the host name.</summary>
    public static MachineIdentity Current { get; } =
        new(["/etc/machine-id", "/var/lib/dbus/machine-id"], () => Environment.MachineName);

    /// <summary>The identity text and what it came from ("the machine id" or "the host name"); null when there is none.</summary>
    public (string Id, string Source)? Read()
    {
        foreach (var file in machineIdFiles)
        {
            var id = TryRead(file);
            if (id.Length > 0)
            {
                return (id, "the machine id");
            }
        }
        var host = hostName().Trim();
        return host.Length == 0 ? null : (host, "the host name");
    }

    private static string TryRead(string file)
    {
        try
        {
            return File.Exists(file) ? File.ReadAllText(file).Trim() : "";
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
