using System.Management.Automation;
using HarmonyLite.Engine.Capture;
using HarmonyLite.PowerShell.Errors;

namespace HarmonyLite.PowerShell.Capture;

/// <summary>A table that change capture refused: it is not replicated until the cause is fixed.</summary>
public sealed class TableRefusedException(string databasePath, string table, CaptureRefusal refusal)
    : HarmonyModuleException($"Table '{table}' in {databasePath} is not replicated: {refusal.Message}", ErrorCategory.InvalidData, "TableRefused", table)
{
    public CaptureRefusal Refusal { get; } = refusal;
}
