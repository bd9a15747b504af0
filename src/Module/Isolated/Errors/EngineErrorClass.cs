using System.Management.Automation;

namespace HarmonyLite.PowerShell.Isolated.Errors;

/// <summary>How an engine error is reported in PowerShell.</summary>
/// <param name="Category">The error category scripts filter on.</param>
/// <param name="ErrorId">The stable error id (PowerShell appends the cmdlet name to form the fully qualified id).</param>
/// <param name="Target">The object the error is about when the exception names one (a file, a database, a snapshot id).</param>
/// <param name="RecommendedAction">What to do, when the exception's message does not already say it in PowerShell terms.</param>
public sealed record EngineErrorClass(ErrorCategory Category, string ErrorId, object? Target = null, string? RecommendedAction = null);
