namespace HarmonyLite.Engine.Codec.Wire;

/// <summary>Where in a batch a value sits, for error messages: costs nothing until it is printed.</summary>
internal readonly record struct WireLocation(string What, int? ChangeIndex = null, string? Table = null, string? Column = null)
{
    public override string ToString()
    {
        var what = char.ToUpperInvariant(What[0]) + What[1..];
        var column = Column is null ? "" : $" '{Column}'";
        var change = ChangeIndex is { } index ? $" of change {index}" : "";
        var table = Table is null ? "" : $" (table '{Table}')";
        return $"{what}{column}{change}{table}";
    }
}
