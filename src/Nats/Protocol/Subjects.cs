namespace HarmonyLite.Nats.Protocol;

/// <summary>Checks subjects and queue names before they are written into a protocol line.</summary>
internal static class Subjects
{
    /// <summary>A subject must be non-empty and contain no whitespace, which would break the protocol line.</summary>
    public static void Validate(string subject, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(subject, parameterName);
        if (subject.Length == 0) throw new ArgumentException("A NATS subject must not be empty.", parameterName);
        foreach (var c in subject)
            if (c is ' ' or '\t' or '\r' or '\n' or '\0')
                throw new ArgumentException($"The NATS subject '{subject}' contains whitespace; subjects are tokens separated by '.', without spaces.", parameterName);
        if (subject[0] == '.' || subject[^1] == '.' || subject.Contains("..", StringComparison.Ordinal))
            throw new ArgumentException($"The NATS subject '{subject}' has an empty token; tokens between '.' must not be empty.", parameterName);
    }

    public static void ValidateQueueGroup(string queueGroup, string parameterName)
    {
        if (queueGroup.Length == 0) throw new ArgumentException("A queue group name must not be empty; pass null for no queue group.", parameterName);
        foreach (var c in queueGroup)
            if (c is ' ' or '\t' or '\r' or '\n' or '\0')
                throw new ArgumentException($"The queue group name '{queueGroup}' contains whitespace.", parameterName);
    }
}
