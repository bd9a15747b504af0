using System.Management.Automation;

namespace HarmonyLite.PowerShell.Progress;

/// <summary>
/// One Write-Progress bar of a cmdlet. Updated only from the pipeline thread (the engine call's tick); quiet under
/// <c>-ProgressAction SilentlyContinue</c> as every progress record is.
/// </summary>
internal sealed class ProgressDisplay(Cmdlet cmdlet, int activityId, string activity)
{
    private bool _shown;

    public void Update(string status, int percentComplete = -1)
    {
        cmdlet.WriteProgress(new ProgressRecord(activityId, activity, status)
        {
            PercentComplete = Math.Clamp(percentComplete, -1, 100),
        });
        _shown = true;
    }

    /// <summary>Removes the bar, when it was shown.</summary>
    public void Complete()
    {
        if (!_shown) return;
        _shown = false;
        cmdlet.WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
    }
}
