namespace HarmonyLite.Nats.Security;

/// <summary>The role of an NKey, encoded in its first byte (the values are the NKeys prefix bytes).</summary>
internal enum NKeyType : byte
{
    Account = 0,        // 'A'
    Cluster = 2 << 3,   // 'C'
    Server = 13 << 3,   // 'N'
    Operator = 14 << 3, // 'O'
    User = 20 << 3,     // 'U'
}
