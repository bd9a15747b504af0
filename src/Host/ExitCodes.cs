namespace HarmonyLite.Host;

/// <summary>Process exit codes, as Go programs use them: 2 for a usage or configuration error.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    public const int Failure = 1;

    public const int Usage = 2;
}
