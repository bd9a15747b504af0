using System.Management.Automation;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>Output objects with context added the PowerShell way, as note properties.</summary>
internal static class CmdletOutput
{
    public const string DatabasePathNote = "DatabasePath";
    public const string NodeIdNote = "NodeId";

    /// <summary>The engine object with a <c>DatabasePath</c> note property, so results of several databases stay apart in one pipeline.</summary>
    public static PSObject WithDatabase(object value, string databasePath) => WithNote(value, DatabasePathNote, databasePath);

    /// <summary>The engine object with a <c>NodeId</c> note property.</summary>
    public static PSObject WithNodeId(object value, long nodeId) => WithNote(value, NodeIdNote, nodeId);

    private static PSObject WithNote(object value, string name, object note)
    {
        var wrapped = PSObject.AsPSObject(value);
        wrapped.Properties.Add(new PSNoteProperty(name, note));
        return wrapped;
    }
}
