namespace HarmonyLite.Engine.Apply;

/// <summary>A message set aside because it could not be applied, with the error of its last attempt.</summary>
/// <param name="Id">Identifies the entry for <see cref="QuarantineStore.DeleteAsync"/>.</param>
/// <param name="Stream">The stream it came from.</param>
/// <param name="Sequence">Its stream sequence.</param>
/// <param name="Message">The raw message bytes as received, so it can be decoded and applied again later.</param>
/// <param name="Error">Why it could not be applied.</param>
/// <param name="Attempts">How many times applying it was tried.</param>
/// <param name="QuarantinedAt">When it was (last) set aside.</param>
public sealed record QuarantinedMessage(long Id, string Stream, ulong Sequence, byte[] Message, string Error, int Attempts, DateTimeOffset QuarantinedAt);
