namespace HarmonyLite.Engine.Messaging;

/// <summary>A <c>[nats]</c> setting cannot be used as given (a file missing or unreadable, a seed that is not one).</summary>
public sealed class MessagingSettingsException : MessagingException
{
    public MessagingSettingsException(string setting, string message, Exception? inner = null)
        : base(MessagingErrorKind.InvalidSettings, message, inner)
    {
        Setting = setting;
    }

    /// <summary>The configuration key at fault, e.g. <c>nats.seed_file</c>.</summary>
    public string Setting { get; }
}
