using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PyPyLeads.Intake;

namespace PyPyLeads.IntegrationTests.Intake;

/// <summary>The Intake settings: checked at start, defaults as the README gives them, and the password kept out of every log and report.</summary>
public sealed class IntakeSettingsTests
{
    [Theory]
    [InlineData("Intake:Imap:Port", "0", "Intake:Imap:Port must be 1 to 65535 (it is 0).")]
    [InlineData("Intake:Imap:Security", "Tls", "Intake:Imap:Security 'Tls' is not one of Auto, None, StartTls, StartTlsWhenAvailable, SslOnConnect.")]
    [InlineData("Intake:Imap:User", "", "Intake:Imap:User is needed when Intake:Imap:Host is set")]
    [InlineData("Intake:Imap:ProcessedFolder", "INBOX", "Intake:Imap:ProcessedFolder must name a folder other than Intake:Imap:Folder")]
    [InlineData("Intake:MaxAttachmentMegabytes", "-1", "Intake:MaxAttachmentMegabytes must be 0 to 100 (it is -1).")]
    public void A_mailbox_setting_the_app_cannot_use_stops_the_start_naming_it(string key, string value, string message)
    {
        using var app = new LeadsApp().With("Intake:Imap:Host", "imap.example.org").With("Intake:Imap:User", "leads@example.org").With(key, value);

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_settings_intake_reads_the_drop_folder_with_the_readmes_defaults()
    {
        using var app = new LeadsApp();

        var o = app.Services.GetRequiredService<IOptions<IntakeOptions>>().Value;

        Assert.False(o.UsesImap);
        Assert.Equal((993, "Auto", "INBOX", "Processed", 60), (o.Imap.Port, o.Imap.Security, o.Imap.Folder, o.Imap.ProcessedFolder, o.Imap.TimeoutSeconds));
        Assert.Equal((10, 50), (o.MaxAttachmentMegabytes, o.BatchSize));
        Assert.Equal(Path.Combine(app.DataDirectory, "inbox"), app.Services.GetRequiredService<IntakeDropFolder>().Path);
    }

    [DovecotFact]
    public async Task A_refused_login_is_logged_and_reported_without_the_password()
    {
        await using var dovecot = await Dovecot.StartAsync();
        const string wrong = "not-the-password-4711";
        using var app = new LeadsApp().With("Hangfire:RunServer", "false");
        foreach (var (key, value) in dovecot.Settings())
        {
            app.With(key, value);
        }
        app.With("Intake:Imap:Password", wrong);

        var result = await app.Services.GetRequiredService<CheckMailbox>().RunAsync(CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("Authentication", result.Error);
        Assert.Contains(app.Logs.Lines, l => l.Contains("cannot read imap://team@pypyleads.test@127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(wrong, StringComparison.Ordinal));
        var health = await (await app.Client().GetAsync("/health")).Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(health);
        Assert.Equal("Degraded", json.RootElement.GetProperty("checks").GetProperty("mailbox").GetProperty("status").GetString());
        Assert.DoesNotContain(wrong, health, StringComparison.Ordinal);
    }
}
