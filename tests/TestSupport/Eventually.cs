namespace HarmonyLite.TestSupport;

/// <summary>Polls a condition until it holds or a deadline passes; the failure says what was last seen.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits until <paramref name="condition"/> is true. <paramref name="describe"/> explains the last state on failure.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<Task<string>>? describe = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var delay = interval ?? TimeSpan.FromMilliseconds(20);
        Exception? lastError = null;
        while (true)
        {
            try
            {
                if (await condition().ConfigureAwait(false)) return;
                lastError = null;
            }
            catch (Exception ex) { lastError = ex; }
            if (DateTime.UtcNow >= deadline) break;
            await Task.Delay(delay).ConfigureAwait(false);
            if (delay < TimeSpan.FromMilliseconds(250)) delay *= 2;
        }
        var seen = describe is null ? "" : $" Last seen: {await SafeDescribe(describe).ConfigureAwait(false)}";
        var error = lastError is null ? "" : $" Last error: {lastError.GetType().Name}: {lastError.Message}";
        throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for: {what}.{seen}{error}");
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? describe = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeout, describe is null ? null : () => Task.FromResult(describe()));

    private static async Task<string> SafeDescribe(Func<Task<string>> describe)
    {
        try { return await describe().ConfigureAwait(false); }
        catch (Exception ex) { return $"(describe failed: {ex.Message})"; }
    }
}
