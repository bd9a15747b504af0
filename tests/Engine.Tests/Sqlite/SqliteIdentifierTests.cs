using HarmonyLite.Engine.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Sqlite;

public sealed class SqliteIdentifierTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("with space", "\"with space\"")]
    [InlineData("quo\"te", "\"quo\"\"te\"")]
    [InlineData("", "\"\"")]
    public void Quotes_and_doubles_embedded_quotes(string name, string quoted) => Assert.Equal(quoted, SqliteIdentifier.Quote(name));

    [Fact]
    public async Task Quoted_names_round_trip_through_SQLite()
    {
        const string table = "we\"ird table; DROP TABLE x; --";
        const string column = "col\"umn [1]";
        using var db = await TestDatabase.CreateAsync($"CREATE TABLE {SqliteIdentifier.Quote(table)}({SqliteIdentifier.Quote(column)} PRIMARY KEY);");
        await db.ExecuteAsync($"INSERT INTO {SqliteIdentifier.Quote(table)}({SqliteIdentifier.Quote(column)}) VALUES ('v')");

        Assert.Equal(table, await db.ScalarAsync("SELECT name FROM sqlite_schema WHERE type = 'table'"));
        Assert.Equal(column, await db.ScalarAsync($"SELECT name FROM pragma_table_info('{table.Replace("'", "''")}')"));
        Assert.Equal("v", await db.ScalarAsync($"SELECT {SqliteIdentifier.Quote(column)} FROM {SqliteIdentifier.Quote(table)}"));
    }
}
