namespace HarmonyLite.Engine.Toml;

/// <summary>A TOML local date-time (<c>1979-05-27T07:32:00</c>): a date and a time with no offset.</summary>
public readonly record struct TomlLocalDateTime(TomlLocalDate Date, TomlLocalTime Time)
{
    /// <summary>The value as a <see cref="DateTime"/> of kind <see cref="DateTimeKind.Unspecified"/>.</summary>
    public DateTime ToDateTime() => Date.ToDateOnly().ToDateTime(Time.ToTimeOnly(), DateTimeKind.Unspecified);

    public override string ToString() => $"{Date}T{Time}";
}
