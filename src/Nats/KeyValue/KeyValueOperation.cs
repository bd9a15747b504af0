namespace HarmonyLite.Nats.KeyValue;

/// <summary>What a Key-Value entry records: a value, a delete marker, or a purge marker (history dropped).</summary>
public enum KeyValueOperation
{
    Put,
    Delete,
    Purge,
}
