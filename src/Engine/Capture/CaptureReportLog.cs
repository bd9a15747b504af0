using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Capture;

/// <summary>Writes an install report as one log line per table event: refusals as errors, warnings as warnings.</summary>
public static class CaptureReportLog
{
    public static void Write(ILogger logger, CaptureInstallReport report, bool onlyChanges)
    {
        foreach (var table in report.Tables)
        {
            switch (table.Outcome)
            {
                case TableCaptureOutcome.Refused:
                    logger.LogError("Table {Table} is not replicated: {Reason}", table.Table, table.Refusal?.Message);
                    break;
                case TableCaptureOutcome.Installed:
                    logger.LogInformation("Watching table {Table}", table.Table);
                    break;
                case TableCaptureOutcome.Updated:
                    logger.LogInformation("Table {Table} changed; its capture triggers and change log were rebuilt", table.Table);
                    break;
                case TableCaptureOutcome.Dropped:
                    logger.LogInformation("Table {Table} was dropped; it is no longer watched", table.Table);
                    break;
                case TableCaptureOutcome.Unchanged when !onlyChanges:
                    logger.LogDebug("Watching table {Table} (unchanged)", table.Table);
                    break;
            }
            if (table.ExistingRowsCaptured > 0)
                logger.LogInformation("Captured {Rows} rows of table {Table} written before capture watched it; they are published as inserts", table.ExistingRowsCaptured, table.Table);
            if (table.Outcome == TableCaptureOutcome.Unchanged && onlyChanges) continue;
            foreach (var warning in table.Warnings)
                logger.LogWarning("Table {Table}: {Warning}", table.Table, warning.Message);
        }
    }
}
