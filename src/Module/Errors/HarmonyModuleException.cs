using System.Management.Automation;

namespace HarmonyLite.PowerShell.Errors;

/// <summary>An error the module itself detects or words (not the engine), carrying how PowerShell should report it.</summary>
public abstract class HarmonyModuleException : Exception
{
    protected HarmonyModuleException(string message, ErrorCategory category, string errorId, object? target, Exception? innerException = null)
        : base(message, innerException)
    {
        Category = category;
        ErrorId = errorId;
        Target = target;
    }

    public ErrorCategory Category { get; }

    public string ErrorId { get; }

    /// <summary>What the error is about (a node id, a database path).</summary>
    public object? Target { get; }
}
