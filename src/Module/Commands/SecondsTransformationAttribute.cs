using System.Management.Automation;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Lets a TimeSpan parameter take a plain number as seconds (<c>-Timeout 30</c>); PowerShell would otherwise read it
/// as ticks. Strings (<c>'00:01:30'</c>) and TimeSpans pass through unchanged.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) => ToTimeSpan(inputData);

    internal static object ToTimeSpan(object inputData) => (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) switch
    {
        int seconds => TimeSpan.FromSeconds(seconds),
        long seconds => TimeSpan.FromSeconds(seconds),
        double seconds => TimeSpan.FromSeconds(seconds),
        decimal seconds => TimeSpan.FromSeconds((double)seconds),
        _ => inputData,
    };
}
