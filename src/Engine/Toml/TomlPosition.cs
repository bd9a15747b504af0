namespace HarmonyLite.Engine.Toml;

/// <summary>A place in a TOML document: 1-based line and column (columns count Unicode characters).</summary>
public readonly record struct TomlPosition(int Line, int Column)
{
    public override string ToString() => $"line {Line}, column {Column}";
}
