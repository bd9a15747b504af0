using HarmonyLite.Engine.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Sqlite;

public sealed class SqliteSchemaReaderTests
{
    [Fact]
    public async Task Rowid_alias_is_recognised_including_the_DESC_quirk()
    {
        using var db = await TestDatabase.CreateAsync("""
            CREATE TABLE alias(id INTEGER PRIMARY KEY, x);
            CREATE TABLE lower_case(id integer primary key, x);
            CREATE TABLE descending(id INTEGER PRIMARY KEY DESC, x);
            CREATE TABLE int_key(id INT PRIMARY KEY, x);
            """);
        await using var connection = db.OpenConnection();

        var alias = await Read(connection, "alias");
        Assert.True(alias.IsRowidAlias);
        Assert.Empty(alias.NullableKeyColumns);
        Assert.True((await Read(connection, "lower_case")).IsRowidAlias);

        // "INTEGER PRIMARY KEY DESC" and "INT PRIMARY KEY" are ordinary keys that accept NULL unless declared NOT NULL.
        var descending = await Read(connection, "descending");
        Assert.False(descending.IsRowidAlias);
        Assert.Equal(["id"], descending.NullableKeyColumns.Select(k => k.Name));
        var intKey = await Read(connection, "int_key");
        Assert.False(intKey.IsRowidAlias);
        Assert.Equal(["id"], intKey.NullableKeyColumns.Select(k => k.Name));
    }

    [Fact]
    public async Task Composite_key_keeps_key_order_and_collations()
    {
        using var db = await TestDatabase.CreateAsync("""
            CREATE TABLE c(v, k TEXT COLLATE NOCASE NOT NULL, j INTEGER NOT NULL, PRIMARY KEY (j, k)) WITHOUT ROWID;
            CREATE TABLE r(a TEXT NOT NULL, b TEXT COLLATE RTRIM NOT NULL, PRIMARY KEY (b, a));
            """);
        await using var connection = db.OpenConnection();

        var c = await Read(connection, "c");
        Assert.True(c.WithoutRowid);
        Assert.Equal([new SqliteKeyColumn("j", "BINARY", true), new SqliteKeyColumn("k", "NOCASE", true)], c.PrimaryKey);
        Assert.Equal(["v", "k", "j"], c.Columns.Select(col => col.Name));
        Assert.Empty(c.NullableKeyColumns);

        var r = await Read(connection, "r");
        Assert.False(r.WithoutRowid);
        Assert.Equal(["b", "a"], r.PrimaryKey.Select(k => k.Name));
        Assert.Equal("RTRIM", r.PrimaryKey[0].Collation);
    }

    [Fact]
    public async Task Unique_constraints_and_indexes_are_listed_but_not_the_primary_key_or_plain_indexes()
    {
        using var db = await TestDatabase.CreateAsync("""
            CREATE TABLE u(id TEXT PRIMARY KEY NOT NULL, email UNIQUE, a, b, c, UNIQUE (a, b));
            CREATE UNIQUE INDEX u_c ON u(c) WHERE c IS NOT NULL;
            CREATE UNIQUE INDEX u_expr ON u(lower(a));
            CREATE INDEX u_plain ON u(b);
            """);
        await using var connection = db.OpenConnection();

        var u = await Read(connection, "u");
        var unique = u.UniqueIndexes.OrderBy(i => string.Join(",", i.Columns)).ToList();
        Assert.Equal(4, unique.Count);
        Assert.Contains(unique, i => i.Columns.SequenceEqual(["email"]) && i.IsConstraint && !i.IsPartial);
        Assert.Contains(unique, i => i.Columns.SequenceEqual(["a", "b"]) && i.IsConstraint);
        Assert.Contains(unique, i => i.Name == "u_c" && !i.IsConstraint && i.IsPartial);
        Assert.Contains(unique, i => i.Name == "u_expr" && i.Columns.SequenceEqual(["<expression>"]));
    }

    [Fact]
    public async Task Generated_columns_are_marked_and_left_out_of_stored_columns()
    {
        using var db = await TestDatabase.CreateAsync("""
            CREATE TABLE g(id TEXT PRIMARY KEY NOT NULL, a INTEGER, twice INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL, thrice AS (a * 3) STORED, z);
            """);
        await using var connection = db.OpenConnection();

        var g = await Read(connection, "g");
        Assert.Equal(["id", "a", "twice", "thrice", "z"], g.Columns.Select(c => c.Name));
        Assert.Equal(["twice", "thrice"], g.Columns.Where(c => c.IsGenerated).Select(c => c.Name));
        Assert.Equal(["id", "a", "z"], g.StoredColumns.Select(c => c.Name));
    }

    [Fact]
    public async Task Table_names_include_virtual_and_shadow_tables_but_not_views_or_sqlite_internals()
    {
        using var db = await TestDatabase.CreateAsync("""
            CREATE TABLE plain(id INTEGER PRIMARY KEY AUTOINCREMENT, x);
            CREATE VIRTUAL TABLE docs USING fts5(body);
            CREATE VIEW v AS SELECT * FROM plain;
            INSERT INTO plain(x) VALUES (1);
            """);
        await using var connection = db.OpenConnection();

        var names = (await SqliteSchemaReader.ReadTableNamesAsync(connection, CancellationToken.None)).ToDictionary(t => t.Name, t => t.Kind);
        Assert.Equal(SqliteTableKind.Ordinary, names["plain"]);
        Assert.Equal(SqliteTableKind.Virtual, names["docs"]);
        Assert.Equal(SqliteTableKind.Shadow, names["docs_data"]);
        Assert.DoesNotContain("v", names.Keys);
        Assert.DoesNotContain("sqlite_sequence", names.Keys);
        Assert.DoesNotContain("sqlite_schema", names.Keys);

        Assert.Equal(SqliteTableKind.Virtual, (await Read(connection, "docs")).Kind);
        Assert.Null(await SqliteSchemaReader.ReadTableAsync(connection, "missing", CancellationToken.None));
    }

    [Fact]
    public async Task Schema_version_moves_when_another_connection_alters_a_table()
    {
        using var db = await TestDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL);");
        await using var connection = db.OpenConnection();
        var before = await SqliteSchemaReader.ReadSchemaVersionAsync(connection, CancellationToken.None);

        await SqliteCli.RunAsync(db.Path, "ALTER TABLE t ADD COLUMN extra;");

        Assert.NotEqual(before, await SqliteSchemaReader.ReadSchemaVersionAsync(connection, CancellationToken.None));
    }

    private static async Task<SqliteTableSchema> Read(Microsoft.Data.Sqlite.SqliteConnection connection, string table) =>
        await SqliteSchemaReader.ReadTableAsync(connection, table, CancellationToken.None) ?? throw new InvalidOperationException($"no table {table}");
}
