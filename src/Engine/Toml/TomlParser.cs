namespace HarmonyLite.Engine.Toml;

/// <summary>
/// The TOML 1.0 grammar and its rules against redefinition, over a <see cref="TomlCursor"/>.
/// Strings and scalars are read by <see cref="TomlStringScanner"/> and <see cref="TomlScalarScanner"/>.
/// </summary>
internal sealed class TomlParser
{
    private readonly TomlCursor _cursor;
    private readonly TomlTable _root = new(TomlTableKind.Root, new TomlPosition(1, 1));
    private TomlTable _section;

    public TomlParser(string text)
    {
        _cursor = new TomlCursor(text);
        _section = _root;
    }

    public TomlTable Parse()
    {
        while (true)
        {
            SkipWhitespace();
            var c = _cursor.Peek();
            if (c == TomlCursor.EndOfText)
            {
                return _root;
            }
            if (c == '[')
            {
                ReadHeader();
            }
            else if (c is not ('#' or '\n' or '\r'))
            {
                ReadKeyValue(_section);
            }
            ExpectEndOfLine();
        }
    }

    private void ReadHeader()
    {
        var start = _cursor.Position;
        _cursor.Take();
        var isArray = _cursor.Peek() == '[';
        if (isArray)
        {
            _cursor.Take();
        }
        var key = ReadKey();
        if (_cursor.Peek() != ']' || (isArray && _cursor.Peek(1) != ']'))
        {
            throw _cursor.Error($"expected '{(isArray ? "]]" : "]")}' to close the header [{(isArray ? "[" : "")}{TomlKeySegment.Display(key)}, found {TomlCursor.Describe(_cursor.Peek())}");
        }
        _cursor.Skip(isArray ? 2 : 1);

        var parent = _root;
        for (var i = 0; i < key.Count - 1; i++)
        {
            parent = DescendByHeader(parent, key, i);
        }
        var last = key[^1];
        parent.TryGetValue(last.Name, out var existing);
        parent.TryGetPosition(last.Name, out var existingAt);
        var shown = TomlKeySegment.Display(key);
        if (isArray)
        {
            if (existing is null)
            {
                existing = new TomlArray(isArrayOfTables: true, start);
                parent.Add(last.Name, existing, last.Position);
            }
            else if (existing is not TomlArray { IsArrayOfTables: true })
            {
                throw new TomlException($"cannot add an element to [[{shown}]]: '{shown}' is already {DescribeDefinition(existing)} (at {existingAt})", start);
            }
            var element = new TomlTable(TomlTableKind.Header, start);
            ((TomlArray)existing).Add(element);
            _section = element;
            return;
        }
        switch (existing)
        {
            case null:
                var table = new TomlTable(TomlTableKind.Header, start);
                parent.Add(last.Name, table, last.Position);
                _section = table;
                return;
            case TomlTable { Kind: TomlTableKind.Implicit } implicitTable:
                implicitTable.Kind = TomlTableKind.Header;
                _section = implicitTable;
                return;
            case TomlTable { Kind: TomlTableKind.Header } defined:
                throw new TomlException($"the table [{shown}] is defined twice (first at {defined.Position})", start);
            default:
                throw new TomlException($"cannot define the table [{shown}]: '{shown}' is already {DescribeDefinition(existing)} (at {existingAt})", start);
        }
    }

    /// <summary>Follows one part of a header's key, creating tables on the way and entering the last element of arrays of tables.</summary>
    private static TomlTable DescendByHeader(TomlTable parent, IReadOnlyList<TomlKeySegment> key, int index)
    {
        var segment = key[index];
        if (!parent.TryGetValue(segment.Name, out var existing))
        {
            var created = new TomlTable(TomlTableKind.Implicit, segment.Position);
            parent.Add(segment.Name, created, segment.Position);
            return created;
        }
        switch (existing)
        {
            case TomlTable { Kind: not TomlTableKind.Inline } table:
                return table;
            case TomlArray { IsArrayOfTables: true } array:
                return (TomlTable)array[^1];
            default:
                parent.TryGetPosition(segment.Name, out var at);
                var shown = TomlKeySegment.Display(key, index + 1);
                throw new TomlException(
                    $"cannot define the table [{TomlKeySegment.Display(key)}]: '{shown}' is already {DescribeDefinition(existing)} (at {at})",
                    segment.Position);
        }
    }

    private void ReadKeyValue(TomlTable target)
    {
        var key = ReadKey();
        if (_cursor.Peek() != '=')
        {
            throw _cursor.Error($"expected '=' after the key '{TomlKeySegment.Display(key)}', found {TomlCursor.Describe(_cursor.Peek())}");
        }
        _cursor.Take();
        SkipWhitespace();

        var table = target;
        for (var i = 0; i < key.Count - 1; i++)
        {
            table = DescendByDottedKey(table, key, i);
        }
        var last = key[^1];
        if (table.TryGetValue(last.Name, out var existing))
        {
            table.TryGetPosition(last.Name, out var at);
            throw new TomlException(
                $"the key '{TomlKeySegment.Display(key)}' is already defined as {DescribeDefinition(existing)} (at {at})",
                last.Position);
        }
        var value = ReadValue();
        table.Add(last.Name, value, last.Position);
    }

    /// <summary>Follows one part of a dotted key; only tables made by dotted keys in the same table may be extended.</summary>
    private static TomlTable DescendByDottedKey(TomlTable parent, IReadOnlyList<TomlKeySegment> key, int index)
    {
        var segment = key[index];
        if (!parent.TryGetValue(segment.Name, out var existing))
        {
            var created = new TomlTable(TomlTableKind.Dotted, segment.Position);
            parent.Add(segment.Name, created, segment.Position);
            return created;
        }
        if (existing is TomlTable { Kind: TomlTableKind.Dotted } table)
        {
            return table;
        }
        parent.TryGetPosition(segment.Name, out var at);
        throw new TomlException(
            $"cannot set '{TomlKeySegment.Display(key)}': '{TomlKeySegment.Display(key, index + 1)}' is already {DescribeDefinition(existing)} (at {at}); dotted keys may only extend tables created by dotted keys",
            segment.Position);
    }

    private List<TomlKeySegment> ReadKey()
    {
        var segments = new List<TomlKeySegment>();
        while (true)
        {
            SkipWhitespace();
            segments.Add(ReadSimpleKey());
            SkipWhitespace();
            if (_cursor.Peek() != '.')
            {
                return segments;
            }
            _cursor.Take();
        }
    }

    private TomlKeySegment ReadSimpleKey()
    {
        var position = _cursor.Position;
        var c = _cursor.Peek();
        if (c is '"' or '\'')
        {
            if (TomlStringScanner.AtMultiLineOpening(_cursor, (char)c))
            {
                throw _cursor.Error("a key cannot be a multi-line string");
            }
            var quoted = c == '"' ? TomlStringScanner.ReadBasic(_cursor) : TomlStringScanner.ReadLiteral(_cursor);
            return new TomlKeySegment(quoted, position);
        }
        if (!TomlKeySegment.IsBareCharacter(c))
        {
            throw _cursor.Error(c == '='
                ? "a key is missing before '='"
                : $"expected a key (letters, digits, '_', '-', or a quoted string), found {TomlCursor.Describe(c)}");
        }
        var name = new List<char>();
        while (TomlKeySegment.IsBareCharacter(_cursor.Peek()))
        {
            name.Add(_cursor.Take());
        }
        return new TomlKeySegment(new string([.. name]), position);
    }

    private object ReadValue() => _cursor.Peek() switch
    {
        '"' or '\'' => TomlStringScanner.Read(_cursor),
        '[' => ReadArray(),
        '{' => ReadInlineTable(),
        _ => TomlScalarScanner.Read(_cursor),
    };

    private TomlArray ReadArray()
    {
        var start = _cursor.Position;
        _cursor.Take();
        var array = new TomlArray(isArrayOfTables: false, start);
        while (true)
        {
            SkipWhitespaceCommentsAndNewlines();
            if (_cursor.Peek() == ']')
            {
                _cursor.Take();
                return array;
            }
            if (_cursor.Peek() == TomlCursor.EndOfText)
            {
                throw new TomlException("unterminated array: the closing ']' is missing", start);
            }
            array.Add(ReadValue());
            SkipWhitespaceCommentsAndNewlines();
            switch (_cursor.Peek())
            {
                case ',':
                    _cursor.Take();
                    break;
                case ']':
                    _cursor.Take();
                    return array;
                case TomlCursor.EndOfText:
                    throw new TomlException("unterminated array: the closing ']' is missing", start);
                default:
                    throw _cursor.Error($"expected ',' or ']' after an array element, found {TomlCursor.Describe(_cursor.Peek())}");
            }
        }
    }

    private TomlTable ReadInlineTable()
    {
        var start = _cursor.Position;
        _cursor.Take();
        var table = new TomlTable(TomlTableKind.Inline, start);
        SkipWhitespace();
        if (_cursor.Peek() == '}')
        {
            _cursor.Take();
            return table;
        }
        while (true)
        {
            ExpectInlineTableContinues(start);
            ReadKeyValue(table);
            SkipWhitespace();
            switch (_cursor.Peek())
            {
                case ',':
                    _cursor.Take();
                    SkipWhitespace();
                    if (_cursor.Peek() == '}')
                    {
                        throw _cursor.Error("a trailing comma is not allowed in an inline table");
                    }
                    break;
                case '}':
                    _cursor.Take();
                    table.Seal();
                    return table;
                default:
                    ExpectInlineTableContinues(start);
                    throw _cursor.Error($"expected ',' or '}}' in the inline table, found {TomlCursor.Describe(_cursor.Peek())}");
            }
        }
    }

    private void ExpectInlineTableContinues(TomlPosition start)
    {
        switch (_cursor.Peek())
        {
            case TomlCursor.EndOfText:
                throw new TomlException("unterminated inline table: the closing '}' is missing", start);
            case '\n' or '\r':
                throw _cursor.Error("an inline table must be written on one line; use a [table] section for more");
        }
    }

    private void ExpectEndOfLine()
    {
        SkipWhitespace();
        if (_cursor.Peek() == '#')
        {
            SkipComment();
        }
        switch (_cursor.Peek())
        {
            case TomlCursor.EndOfText:
                return;
            case '\n':
                _cursor.Take();
                return;
            case '\r' when _cursor.Peek(1) == '\n':
                _cursor.Skip(2);
                return;
            case '\r':
                throw _cursor.Error("a carriage return must be followed by a line feed");
            default:
                throw _cursor.Error($"expected the end of the line, found {TomlCursor.Describe(_cursor.Peek())}");
        }
    }

    private void SkipWhitespace()
    {
        while (_cursor.Peek() is ' ' or '\t')
        {
            _cursor.Take();
        }
    }

    private void SkipWhitespaceCommentsAndNewlines()
    {
        while (true)
        {
            switch (_cursor.Peek())
            {
                case ' ' or '\t' or '\n':
                    _cursor.Take();
                    break;
                case '\r' when _cursor.Peek(1) == '\n':
                    _cursor.Skip(2);
                    break;
                case '\r':
                    throw _cursor.Error("a carriage return must be followed by a line feed");
                case '#':
                    SkipComment();
                    break;
                default:
                    return;
            }
        }
    }

    private void SkipComment()
    {
        _cursor.Take();
        while (true)
        {
            var c = _cursor.Peek();
            if (c is TomlCursor.EndOfText or '\n' || (c == '\r' && _cursor.Peek(1) == '\n'))
            {
                return;
            }
            if (c == '\r' || TomlCursor.IsForbiddenControl(c))
            {
                throw _cursor.Error($"{TomlCursor.Describe(c)} is not allowed in a comment");
            }
            _cursor.Take();
        }
    }

    private static string DescribeDefinition(object value) => value switch
    {
        TomlTable { Kind: TomlTableKind.Inline } => "an inline table, which cannot be extended",
        TomlTable { Kind: TomlTableKind.Dotted } => "a table defined by dotted keys",
        TomlTable => "a table defined by a [table] header",
        TomlArray { IsArrayOfTables: true } => "an array of tables",
        TomlArray => "an array, which cannot be extended",
        _ => "a value",
    };
}
