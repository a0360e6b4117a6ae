namespace PyPyLeads.Companies;

/// <summary>The <c>Imports</c> settings: how long uploaded CSV files are kept, and when a stopped import is carried on.</summary>
public sealed class ImportOptions
{
    public const string Section = "Imports";

    /// <summary>
    /// Uploaded CSV files are kept this many days: a file previewed but never confirmed is then deleted with its
    /// preview, and the text of a failed import is cleared (its counts stay). A finished import keeps no text.
    /// </summary>
    public int KeepFilesDays { get; set; } = 14;

    /// <summary>
    /// An import run holds its import for this long after each batch it commits; a run that stops (the process killed)
    /// is carried on by another once that has passed. Batches take well under a second.
    /// </summary>
    public int StaleClaimSeconds { get; set; } = 120;

    public TimeSpan KeepFiles => TimeSpan.FromDays(KeepFilesDays);

    public TimeSpan StaleClaim => TimeSpan.FromSeconds(StaleClaimSeconds);

    public IEnumerable<string> Problems()
    {
        if (KeepFilesDays < 1)
        {
            yield return $"Imports:KeepFilesDays must be at least 1 (it is {KeepFilesDays}).";
        }
        if (StaleClaimSeconds < 1)
        {
            yield return $"Imports:StaleClaimSeconds must be at least 1 (it is {StaleClaimSeconds}).";
        }
    }
}
