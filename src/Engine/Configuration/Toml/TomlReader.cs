using System.Globalization;
using System.Numerics;
using System.Text;
using Tomlyn;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace HarmonyLite.Engine.Configuration.Toml;

/// <summary>
/// Reads a TOML document (TOML 1.0; Tomlyn also takes 1.1) into <see cref="TomlTable"/>s that remember the line of
/// every key. Tomlyn parses it to a syntax tree and validates it, so a key or table defined twice is an error (its
/// object path would keep the last value silently); this class adds what Tomlyn leaves out: strict UTF-8, a nesting
/// limit checked before parsing, integers beyond 64 bits refused (Tomlyn wraps <c>0xffffffffffffffff</c> to -1),
/// and 1-based lines and columns in every error.
/// </summary>
internal static class TomlReader
{
    /// <summary>Arrays and inline tables nested deeper are refused; a configuration needs two or three.</summary>
    public const int MaxNesting = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Tomlyn's own limit stays above ours, so the guard's message (with its position) is the one seen.
    private static readonly TomlSerializerOptions ParserOptions = new() { MaxDepth = MaxNesting * 2 };

    /// <exception cref="TomlReadException">The document is not valid UTF-8 TOML.</exception>
    public static TomlTable Read(ReadOnlySpan<byte> utf8)
    {
        var text = Decode(utf8);
        TomlNestingGuard.Check(text, MaxNesting);
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, ParserOptions, sourceName: null, validate: true);
        }
        catch (TomlException ex)
        {
            throw new TomlReadException(ex.Line ?? 1, ex.Column ?? 1, Reason(ex.Message), ex);
        }

        // The first complaint, in the order Tomlyn found them: later ones (at the end of the file, some placed
        // at its start) follow from it.
        var error = document.Diagnostics.FirstOrDefault(diagnostic => diagnostic.Kind == DiagnosticMessageKind.Error);
        if (error is not null)
        {
            throw new TomlReadException(error.Span.Start.Line + 1, error.Span.Start.Column + 1, Reason(error.Message));
        }

        return TomlTreeBuilder.Build(document);
    }

    public static TomlTable Read(string text) => Read(Encoding.UTF8.GetBytes(text));

    private static string Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            var before = utf8[..ex.Index];
            var line = before.Count((byte)'\n') + 1;
            var column = Encoding.UTF8.GetCharCount(before[(before.LastIndexOf((byte)'\n') + 1)..]) + 1;
            var bad = ex.BytesUnknown is { Length: > 0 } unknown ? $" (0x{unknown[0]:X2})" : "";
            throw new TomlReadException(line, column, $"invalid UTF-8{bad}; a TOML file must be UTF-8", ex);
        }
    }

    /// <summary>Tomlyn's message, as the lower-case reason after a position.</summary>
    private static string Reason(string message)
    {
        message = message.TrimEnd('.');
        return message.Length == 0 ? "invalid TOML" : char.ToLowerInvariant(message[0]) + message[1..];
    }

    /// <summary>Builds the tables from a validated syntax tree: header by header, key by key, in document order.</summary>
    private static class TomlTreeBuilder
    {
        public static TomlTable Build(DocumentSyntax document)
        {
            var root = new TomlTable(0);
            foreach (var keyValue in document.KeyValues)
            {
                AddKeyValue(root, keyValue);
            }

            foreach (var header in document.Tables)
            {
                var table = Open(root, header);
                foreach (var keyValue in header.Items)
                {
                    AddKeyValue(table, keyValue);
                }
            }

            return root;
        }

        /// <summary>The table a <c>[name]</c> or <c>[[name]]</c> header opens, created with its parents as needed.</summary>
        private static TomlTable Open(TomlTable root, TableSyntaxBase header)
        {
            var line = header.Span.Start.Line + 1;
            var segments = Segments(header.Name!);
            var parent = root;
            foreach (var segment in segments.SkipLast(1))
            {
                parent = Descend(parent, segment, line, header);
            }

            var last = segments[^1];
            if (header is TableArraySyntax)
            {
                if (!parent.TryGetEntry(last, out var existing))
                {
                    var array = new TomlArray(isArrayOfTables: true);
                    parent.TryAdd(last, array, line);
                    existing = new TomlEntry(last, array, line);
                }

                if (existing.Value is not TomlArray { IsArrayOfTables: true } tables)
                {
                    throw Conflict(header, $"'{last}' is already defined as {Describe(existing.Value)}");
                }

                var element = new TomlTable(line);
                tables.Add(element);
                return element;
            }

            if (parent.TryGetEntry(last, out var defined))
            {
                return defined.Value is TomlTable { IsInline: false } table
                    ? table
                    : throw Conflict(header, $"'{last}' is already defined as {Describe(defined.Value)}");
            }

            var opened = new TomlTable(line);
            parent.TryAdd(last, opened, line);
            return opened;
        }

        private static void AddKeyValue(TomlTable table, KeyValueSyntax keyValue)
        {
            var line = keyValue.Span.Start.Line + 1;
            var segments = Segments(keyValue.Key!);
            foreach (var segment in segments.SkipLast(1))
            {
                table = Descend(table, segment, line, keyValue);
            }

            if (!table.TryAdd(segments[^1], Convert(keyValue.Value!), line))
            {
                throw Conflict(keyValue, $"the key '{segments[^1]}' is already defined");
            }
        }

        /// <summary>The table under <paramref name="name"/>, created when missing; the last table of an array of tables.</summary>
        private static TomlTable Descend(TomlTable table, string name, int line, SyntaxNode at)
        {
            if (!table.TryGetEntry(name, out var entry))
            {
                var created = new TomlTable(line);
                table.TryAdd(name, created, line);
                return created;
            }

            return entry.Value switch
            {
                TomlTable nested => nested,
                TomlArray { IsArrayOfTables: true } tables => (TomlTable)tables[^1],
                _ => throw Conflict(at, $"'{name}' is already defined as {Describe(entry.Value)}"),
            };
        }

        private static object Convert(ValueSyntax value) => value switch
        {
            StringValueSyntax text => text.Value!,
            IntegerValueSyntax integer => Integer(integer),
            FloatValueSyntax real => real.Value,
            BooleanValueSyntax boolean => boolean.Value,
            DateTimeValueSyntax dateTime => dateTime.Value,
            ArraySyntax array => Array(array),
            InlineTableSyntax inline => InlineTable(inline),
            _ => throw new TomlReadException(value.Span.Start.Line + 1, value.Span.Start.Column + 1, $"unsupported value {value}"),
        };

        private static TomlArray Array(ArraySyntax syntax)
        {
            var array = new TomlArray(isArrayOfTables: false);
            foreach (var item in syntax.Items)
            {
                array.Add(Convert(item.Value!));
            }

            return array;
        }

        private static TomlTable InlineTable(InlineTableSyntax syntax)
        {
            var table = new TomlTable(syntax.Span.Start.Line + 1, isInline: true);
            foreach (var item in syntax.Items)
            {
                AddKeyValue(table, item.KeyValue!);
            }

            return table;
        }

        /// <summary>Tomlyn wraps hexadecimal, octal and binary integers past 2^63-1 into negative numbers: refuse them.</summary>
        private static long Integer(IntegerValueSyntax syntax)
        {
            var text = syntax.Token?.Text ?? "";
            if (text.Length > 2 && text[0] == '0' && text[1] is 'x' or 'o' or 'b')
            {
                var radix = text[1] switch { 'x' => 16, 'o' => 8, _ => 2 };
                var magnitude = BigInteger.Zero;
                foreach (var digit in text[2..].Where(c => c != '_'))
                {
                    magnitude = magnitude * radix + int.Parse(digit.ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }

                if (magnitude > long.MaxValue)
                {
                    throw new TomlReadException(syntax.Span.Start.Line + 1, syntax.Span.Start.Column + 1,
                        $"the integer {text} does not fit in 64 bits (the largest is 0x7fffffffffffffff, {long.MaxValue})");
                }
            }

            return syntax.Value;
        }

        private static List<string> Segments(KeySyntax key)
        {
            var segments = new List<string> { KeyText(key.Key!) };
            foreach (var dotted in key.DotKeys)
            {
                segments.Add(KeyText(dotted.Key!));
            }

            return segments;
        }

        private static string KeyText(BareKeyOrStringValueSyntax key) => key switch
        {
            BareKeySyntax bare => bare.Key!.Text!,
            StringValueSyntax quoted => quoted.Value!,
            _ => key.ToString() ?? "",
        };

        private static string Describe(object value) => value switch
        {
            TomlTable { IsInline: true } => "an inline table",
            TomlTable => "a table",
            TomlArray { IsArrayOfTables: true } => "an array of tables",
            TomlArray => "an array",
            _ => "a value",
        };

        private static TomlReadException Conflict(SyntaxNode at, string reason) =>
            new(at.Span.Start.Line + 1, at.Span.Start.Column + 1, reason);
    }
}
