using System.Management.Automation;
using HarmonyLite.PowerShell.Isolated.Errors;

namespace HarmonyLite.PowerShell.Errors;

/// <summary>Builds the <see cref="ErrorRecord"/> a cmdlet writes for an exception.</summary>
internal static class ErrorRecordFactory
{
    /// <param name="exception">What failed.</param>
    /// <param name="target">What the cmdlet was working on; an object the exception itself names takes precedence.</param>
    public static ErrorRecord Create(Exception exception, object? target)
    {
        var cause = EngineErrorClassifier.Cause(exception);
        var classification = ErrorClassification.Of(cause);
        var record = new ErrorRecord(cause, classification.ErrorId, classification.Category, classification.Target ?? target);
        var wording = ErrorWording.For(cause);
        if (wording is not null || classification.RecommendedAction is not null)
            record.ErrorDetails = new ErrorDetails(wording ?? cause.Message) { RecommendedAction = classification.RecommendedAction };
        return record;
    }
}
