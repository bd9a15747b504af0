using System.Globalization;
using System.Management.Automation;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Lets a TimeSpan parameter take seconds: any number (<c>-Timeout 30</c>, <c>-Timeout 2s</c>, which PowerShell reads
/// as the short integer 2, <c>-Timeout 0.5</c>) or a numeric string (<c>-Timeout $env:WAIT</c> holding "3"). PowerShell
/// alone would read a number as ticks and "3" as three days. Other strings (<c>'00:01:30'</c>) and TimeSpans pass through.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) => ToTimeSpan(inputData);

    internal static object ToTimeSpan(object inputData) => (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) switch
    {
        IConvertible number and (byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal) =>
            Seconds(number.ToDouble(CultureInfo.InvariantCulture)),
        System.Numerics.BigInteger big => Seconds((double)big),
        string text when double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) => Seconds(seconds),
        _ => inputData,
    };

    private static TimeSpan Seconds(double seconds) =>
        double.IsFinite(seconds) && Math.Abs(seconds) <= TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentTransformationMetadataException($"{seconds} seconds is not a duration PowerShell can hold.");
}
