using System.Security.Cryptography;

namespace HarmonyLite.Nats.Protocol;

/// <summary>
/// Unique 22-character identifiers (as NATS inboxes use): a random 12-character base62 prefix and a
/// 10-character sequence advanced by a random step, with a new prefix when the sequence runs out.
/// </summary>
internal sealed class Nuid
{
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int PrefixLength = 12;
    private const int SequenceLength = 10;
    private const long MaxSequence = 839_299_365_868_340_224; // 62^10
    private const long MinIncrement = 33;
    private const long MaxIncrement = 333;

    private readonly object _sync = new();
    private readonly char[] _prefix = new char[PrefixLength];
    private long _sequence;
    private long _increment;

    public Nuid() => Reset();

    public string Next()
    {
        Span<char> result = stackalloc char[PrefixLength + SequenceLength];
        lock (_sync)
        {
            _sequence += _increment;
            if (_sequence >= MaxSequence) Reset();
            _prefix.CopyTo(result);
            var value = _sequence;
            for (var i = result.Length - 1; i >= PrefixLength; i--)
            {
                result[i] = Digits[(int)(value % 62)];
                value /= 62;
            }
        }
        return new string(result);
    }

    private void Reset()
    {
        for (var i = 0; i < PrefixLength; i++) _prefix[i] = Digits[RandomNumberGenerator.GetInt32(62)];
        _sequence = RandomNumberGenerator.GetInt32(int.MaxValue) * (long)RandomNumberGenerator.GetInt32(int.MaxValue) % MaxSequence;
        _increment = MinIncrement + RandomNumberGenerator.GetInt32((int)(MaxIncrement - MinIncrement));
    }
}
