using System.Globalization;

namespace HarmonyLite.Engine.Toml;

/// <summary>
/// A TOML local time (<c>07:32:00.999</c>). Keeps the fraction as written, up to nanoseconds:
/// <see cref="FractionDigits"/> is how many digits the source had (at most 9), so
/// <see cref="ToString"/> gives back the original text.
/// </summary>
public readonly record struct TomlLocalTime(int Hour, int Minute, int Second, int Nanosecond, int FractionDigits)
{
    /// <summary>The time as a <see cref="TimeOnly"/> (100 ns precision; a leap second 60 becomes 59.999...).</summary>
    public TimeOnly ToTimeOnly()
    {
        var ticks = ((Hour * 60L + Minute) * 60L + Math.Min(Second, 59)) * TimeSpan.TicksPerSecond + Nanosecond / 100;
        return new TimeOnly(Second == 60 ? ticks + TimeSpan.TicksPerSecond - 1 : ticks);
    }

    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Hour:D2}:{Minute:D2}:{Second:D2}");
        if (FractionDigits == 0)
        {
            return text;
        }
        var fraction = Nanosecond.ToString("D9", CultureInfo.InvariantCulture)[..FractionDigits];
        return text + "." + fraction;
    }
}
