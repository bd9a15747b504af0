using System.Globalization;
using System.Text;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>Writing values in nats-server's configuration language.</summary>
internal static class NatsConfigSyntax
{
    /// <summary>
    /// A double-quoted string that nats-server reads back as exactly <paramref name="value"/>. Inside
    /// double quotes nats-server expands no variables; it understands \\ \" \t \n \r and \xHH escapes.
    /// </summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\t': sb.Append(@"\t"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case < ' ' or '\x7f': sb.Append(@"\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>A list of quoted strings: <c>["a", "b"]</c>.</summary>
    public static string QuoteList(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Quote)) + "]";
}
