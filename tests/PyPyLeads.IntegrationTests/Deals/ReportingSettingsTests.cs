using Microsoft.Extensions.Options;

namespace PyPyLeads.IntegrationTests.Deals;

public sealed class ReportingSettingsTests
{
    [Theory]
    [InlineData("Reporting:Currency", "XXX", "Reporting:Currency 'XXX' is not a currency the app knows.")]
    [InlineData("Reporting:Rates:USD", "-1", "Reporting:Rates:USD must be a positive number.")]
    [InlineData("Reporting:Rates:DOGE", "0.1", "Reporting:Rates has 'DOGE', which is not a currency the app knows.")]
    public void The_app_refuses_to_start_with_reporting_settings_it_cannot_use(string key, string value, string message)
    {
        using var app = new LeadsApp().With(key, value);
        var error = Assert.Throws<OptionsValidationException>(() => app.Client());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
