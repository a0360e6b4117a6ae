namespace PyPyLeads.IntegrationTests.Intake;

/// <summary>
/// A test that needs Debian's Dovecot. Where it is missing the test is skipped with a message saying how to install it;
/// in CI (CI=true) it never skips, so a missing Dovecot fails the run instead of hiding it.
/// </summary>
public sealed class DovecotFactAttribute : FactAttribute
{
    public DovecotFactAttribute()
    {
        if (!Dovecot.IsInstalled && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"No Dovecot at {Dovecot.DovecotPath}: run 'apt-get install -y dovecot-imapd' (CI installs it).";
        }
    }
}
