using System.Globalization;

namespace HarmonyLite.Engine.Toml;

/// <summary>
/// Booleans, integers, floats and the four date/time types. They are all written with the characters
/// <c>[A-Za-z0-9_+-.:]</c>, so the scanner reads such a run first and then decides what it is.
/// </summary>
internal static class TomlScalarScanner
{
    private const string DecimalDigits = "0123456789";

    public static bool IsTokenCharacter(int c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '+' or '-' or '.' or ':';

    public static object Read(TomlCursor cursor)
    {
        var start = cursor.Position;
        var token = ReadToken(cursor);
        if (token.Length == 0)
        {
            throw cursor.Error($"expected a value, found {TomlCursor.Describe(cursor.Peek())}");
        }
        // A date and a time may be separated by a space instead of 'T'.
        if (token.Length == 10 && IsFullDateShape(token) && cursor.Peek() == ' '
            && IsDigit(cursor.Peek(1)) && IsDigit(cursor.Peek(2)) && cursor.Peek(3) == ':')
        {
            cursor.Take();
            token += "T" + ReadToken(cursor);
        }
        return token switch
        {
            "true" => true,
            "false" => false,
            _ when token.Length >= 5 && AllDigits(token, 0, 4) && token[4] == '-' => ReadDateOrDateTime(token, start),
            _ when token.Length >= 3 && AllDigits(token, 0, 2) && token[2] == ':' => ReadLocalTime(token, start),
            _ => ReadNumber(token, start),
        };
    }

    private static string ReadToken(TomlCursor cursor)
    {
        var chars = new List<char>();
        while (IsTokenCharacter(cursor.Peek()))
        {
            chars.Add(cursor.Take());
        }
        return new string([.. chars]);
    }

    private static object ReadNumber(string token, TomlPosition start)
    {
        var body = token;
        var signed = token[0] is '+' or '-';
        var negative = token[0] == '-';
        if (signed)
        {
            body = token[1..];
        }
        switch (body)
        {
            case "inf":
                return negative ? double.NegativeInfinity : double.PositiveInfinity;
            case "nan":
                return double.NaN;
            case "":
                throw Invalid(token, start, "a sign must be followed by digits, inf or nan");
        }
        if (!IsDigit(body[0]))
        {
            throw Invalid(token, start, "not a TOML value: strings must be quoted, booleans are true or false in lower case, numbers start with a digit or a sign");
        }
        if (body.Length > 1 && body[0] == '0' && body[1] is 'x' or 'o' or 'b')
        {
            if (signed)
            {
                throw Invalid(token, start, "hexadecimal, octal and binary integers cannot have a sign");
            }
            return ReadRadixInteger(token, body[1], body[2..], start);
        }
        var exponentAt = body.IndexOfAny(['e', 'E']);
        var dotAt = body.IndexOf('.');
        if (exponentAt < 0 && dotAt < 0)
        {
            var digits = Digits(token, body, leadingZeros: false, "an integer", start);
            if (!long.TryParse((negative ? "-" : "") + digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                throw Invalid(token, start, "the integer does not fit in 64 bits (-9223372036854775808 to 9223372036854775807)");
            }
            return integer;
        }
        return ReadFloat(token, body, negative, dotAt, exponentAt, start);
    }

    private static double ReadFloat(string token, string body, bool negative, int dotAt, int exponentAt, TomlPosition start)
    {
        if (dotAt > exponentAt && exponentAt >= 0)
        {
            throw Invalid(token, start, "the exponent of a float must be an integer");
        }
        var mantissa = exponentAt >= 0 ? body[..exponentAt] : body;
        var integerPart = dotAt >= 0 ? mantissa[..dotAt] : mantissa;
        var text = (negative ? "-" : "") + Digits(token, integerPart, leadingZeros: false, "the integer part of a float", start);
        if (dotAt >= 0)
        {
            text += "." + Digits(token, mantissa[(dotAt + 1)..], leadingZeros: true, "the fractional part of a float", start);
        }
        if (exponentAt >= 0)
        {
            var exponent = body[(exponentAt + 1)..];
            var exponentSign = exponent.Length > 0 && exponent[0] is '+' or '-' ? exponent[..1] : "";
            text += "e" + exponentSign + Digits(token, exponent[exponentSign.Length..], leadingZeros: true, "the exponent of a float", start);
        }
        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value))
        {
            throw Invalid(token, start, "the float is too large for 64-bit floating point; write inf if infinity is meant");
        }
        return value;
    }

    private static long ReadRadixInteger(string token, char prefix, string body, TomlPosition start)
    {
        var (radix, name, allowed) = prefix switch
        {
            'x' => (16, "hexadecimal", "0123456789abcdefABCDEF"),
            'o' => (8, "octal", "01234567"),
            _ => (2, "binary", "01"),
        };
        var digits = Digits(token, body, leadingZeros: true, $"a {name} integer", start, allowed);
        ulong value = 0;
        foreach (var digit in digits)
        {
            var digitValue = (ulong)Convert.ToInt32(digit.ToString(), 16);
            if (value > (long.MaxValue - digitValue) / (ulong)radix)
            {
                throw Invalid(token, start, "the integer does not fit in 64 bits (largest is 0x7fffffffffffffff)");
            }
            value = value * (ulong)radix + digitValue;
        }
        return (long)value;
    }

    /// <summary>
    /// Checks a run of digits where single underscores may sit between digits, and returns the digits alone.
    /// </summary>
    private static string Digits(string token, string part, bool leadingZeros, string what, TomlPosition start, string allowed = DecimalDigits)
    {
        if (part.Length == 0)
        {
            throw Invalid(token, start, $"{what} needs at least one digit");
        }
        var digits = new List<char>(part.Length);
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            if (c == '_')
            {
                if (i == 0 || i == part.Length - 1 || part[i - 1] == '_')
                {
                    throw Invalid(token, start, "an underscore in a number must sit between two digits");
                }
                continue;
            }
            if (!allowed.Contains(c))
            {
                throw Invalid(token, start, $"'{c}' is not a valid digit in {what}");
            }
            digits.Add(c);
        }
        if (!leadingZeros && digits.Count > 1 && digits[0] == '0')
        {
            throw Invalid(token, start, $"{what} cannot have leading zeros");
        }
        return new string([.. digits]);
    }

    private static object ReadDateOrDateTime(string token, TomlPosition start)
    {
        if (!IsFullDateShape(token))
        {
            throw Invalid(token, start, "a date is written YYYY-MM-DD, with leading zeros");
        }
        var year = Number(token, 0, 4);
        var month = Number(token, 5, 2);
        var day = Number(token, 8, 2);
        if (month is < 1 or > 12)
        {
            throw Invalid(token, start, $"month {month} does not exist");
        }
        if (day < 1 || day > DaysInMonth(year, month))
        {
            throw Invalid(token, start, $"day {day} does not exist in {year:D4}-{month:D2}");
        }
        var date = new TomlLocalDate(year, month, day);
        if (token.Length == 10)
        {
            return date;
        }
        if (token[10] is not ('T' or 't'))
        {
            throw Invalid(token, start, "a date and a time are separated by 'T' or a space");
        }
        var index = 11;
        var time = ReadTime(token, ref index, start);
        if (index == token.Length)
        {
            return new TomlLocalDateTime(date, time);
        }
        var offset = ReadOffset(token, index, start);
        return ToDateTimeOffset(token, date, time, offset, start);
    }

    private static TimeSpan ReadOffset(string token, int index, TomlPosition start)
    {
        if (token[index] is 'Z' or 'z' && index == token.Length - 1)
        {
            return TimeSpan.Zero;
        }
        if (token[index] is not ('+' or '-') || token.Length - index != 6
            || !AllDigits(token, index + 1, 2) || token[index + 3] != ':' || !AllDigits(token, index + 4, 2))
        {
            throw Invalid(token, start, "a time offset is written Z, +HH:MM or -HH:MM");
        }
        var hours = Number(token, index + 1, 2);
        var minutes = Number(token, index + 4, 2);
        if (hours > 23 || minutes > 59)
        {
            throw Invalid(token, start, $"the offset {token[index..]} is out of range (hours 00-23, minutes 00-59)");
        }
        var offset = new TimeSpan(hours, minutes, 0);
        return token[index] == '-' ? -offset : offset;
    }

    private static DateTimeOffset ToDateTimeOffset(string token, TomlLocalDate date, TomlLocalTime time, TimeSpan offset, TomlPosition start)
    {
        try
        {
            var value = new DateTimeOffset(date.Year, date.Month, date.Day, time.Hour, time.Minute, Math.Min(time.Second, 59), offset)
                .AddTicks(time.Nanosecond / 100);
            // A leap second has no place in DateTimeOffset: it becomes the first second of the next minute.
            return time.Second == 60 ? value.AddSeconds(1) : value;
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Invalid(token, start, "the offset date-time is outside what .NET can represent (UTC years 0001 to 9999, offsets up to ±14:00)");
        }
    }

    private static object ReadLocalTime(string token, TomlPosition start)
    {
        var index = 0;
        var time = ReadTime(token, ref index, start);
        if (index != token.Length)
        {
            throw Invalid(token, start, "unexpected text after the time (a local time has no offset)");
        }
        return time;
    }

    private static TomlLocalTime ReadTime(string token, ref int index, TomlPosition start)
    {
        if (token.Length - index < 8 || !AllDigits(token, index, 2) || token[index + 2] != ':'
            || !AllDigits(token, index + 3, 2) || token[index + 5] != ':' || !AllDigits(token, index + 6, 2))
        {
            throw Invalid(token, start, "a time is written HH:MM:SS, with leading zeros and seconds");
        }
        var hour = Number(token, index, 2);
        var minute = Number(token, index + 3, 2);
        var second = Number(token, index + 6, 2);
        if (hour > 23 || minute > 59 || second > 60)
        {
            throw Invalid(token, start, "the time is out of range (hours 00-23, minutes 00-59, seconds 00-60)");
        }
        index += 8;
        var nanosecond = 0;
        var fractionDigits = 0;
        if (index < token.Length && token[index] == '.')
        {
            index++;
            var first = index;
            while (index < token.Length && IsDigit(token[index]))
            {
                // Digits past nanoseconds are dropped, as the TOML specification allows.
                if (index - first < 9)
                {
                    nanosecond = nanosecond * 10 + (token[index] - '0');
                }
                index++;
            }
            if (index == first)
            {
                throw Invalid(token, start, "the '.' in a time must be followed by digits");
            }
            fractionDigits = Math.Min(index - first, 9);
            for (var i = fractionDigits; i < 9; i++)
            {
                nanosecond *= 10;
            }
        }
        return new TomlLocalTime(hour, minute, second, nanosecond, fractionDigits);
    }

    private static bool IsFullDateShape(string token) =>
        token.Length >= 10 && AllDigits(token, 0, 4) && token[4] == '-' && AllDigits(token, 5, 2)
        && token[7] == '-' && AllDigits(token, 8, 2);

    private static int DaysInMonth(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    private static bool IsDigit(int c) => c is >= '0' and <= '9';

    private static bool AllDigits(string text, int start, int count)
    {
        if (start + count > text.Length)
        {
            return false;
        }
        for (var i = start; i < start + count; i++)
        {
            if (!IsDigit(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static int Number(string text, int start, int count) =>
        int.Parse(text.AsSpan(start, count), NumberStyles.None, CultureInfo.InvariantCulture);

    private static TomlException Invalid(string token, TomlPosition start, string reason) =>
        new($"invalid value '{token}': {reason}", start);
}
