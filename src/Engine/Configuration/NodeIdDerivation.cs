using System.Text;

namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// A node id from a machine identity, as Go HarmonyLite derives it: the 64-bit FNV-1 hash of the id text.
/// The top bit is cleared so the id is a positive signed 64-bit integer, like every node_id a TOML file can hold.
/// </summary>
public static class NodeIdDerivation
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static long FromMachineId(string machineId)
    {
        var hash = OffsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes(machineId))
        {
            hash *= Prime;
            hash ^= b;
        }
        var id = (long)(hash & long.MaxValue);
        return id == 0 ? 1 : id;
    }
}
