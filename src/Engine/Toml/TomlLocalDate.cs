using System.Globalization;

namespace HarmonyLite.Engine.Toml;

/// <summary>A TOML local date (<c>1979-05-27</c>): a calendar day with no time and no offset.</summary>
public readonly record struct TomlLocalDate(int Year, int Month, int Day)
{
    /// <summary>The same day as a <see cref="DateOnly"/> (years 1 to 9999).</summary>
    public DateOnly ToDateOnly() => new(Year, Month, Day);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}-{Day:D2}");
}
