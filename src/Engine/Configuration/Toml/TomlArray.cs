namespace HarmonyLite.Engine.Configuration.Toml;

/// <summary>A TOML array: a value <c>[...]</c>, or the tables of an array of tables <c>[[name]]</c>.</summary>
internal sealed class TomlArray(bool isArrayOfTables) : List<object>
{
    /// <summary>Made by <c>[[name]]</c> headers: more tables can be appended, and later headers address the last one.</summary>
    public bool IsArrayOfTables { get; } = isArrayOfTables;
}
