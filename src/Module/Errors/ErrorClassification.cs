using HarmonyLite.PowerShell.Isolated.Errors;

namespace HarmonyLite.PowerShell.Errors;

/// <summary>How any exception a cmdlet meets is reported: the module's own errors say it themselves, the engine's are classified.</summary>
internal static class ErrorClassification
{
    public static EngineErrorClass Of(Exception exception) => EngineErrorClassifier.Cause(exception) switch
    {
        HarmonyModuleException own => new EngineErrorClass(own.Category, own.ErrorId, own.Target),
        var cause => EngineErrorClassifier.Classify(cause),
    };
}
