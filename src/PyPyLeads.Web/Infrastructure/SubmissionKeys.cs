using Hangfire;
using Microsoft.AspNetCore.Razor.TagHelpers;
using PyPyLeads.Submissions;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>
/// Wires the submission store (<see cref="SubmissionStore"/>): its settings, and the hourly Hangfire job that prunes
/// old keys, registered at start-up as the backups' schedule is.
/// </summary>
public static class SubmissionsSetup
{
    public static IServiceCollection AddSubmissionKeys(this IServiceCollection services)
    {
        services.AddSettings<SubmissionOptions>(SubmissionOptions.Section, o => o.Problems());
        services.AddSubmissions();
        services.AddHostedService<PruneSchedule>();
        return services;
    }

    private sealed class PruneSchedule(IRecurringJobManager recurringJobs) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurringJobs.AddOrUpdate<SubmissionJobs>(SubmissionJobs.PruneJobId, job => job.PruneAsync(CancellationToken.None), Cron.Hourly());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>
/// <c>&lt;submission-key /&gt;</c> inside a form that creates something: a hidden one-time key, new each time the
/// form is shown, so sending that form twice (a double tap, a resend after a dropped connection) creates one record.
/// The action takes it as a <c>string? submissionKey</c> parameter and hands it to its use case
/// (<see cref="Submission.By"/>). A page shown again after a refusal gets a new key: the refused submit saved
/// nothing, so there is nothing for the new key to repeat.
/// </summary>
[HtmlTargetElement("submission-key", TagStructure = TagStructure.WithoutEndTag)]
public sealed class SubmissionKeyTagHelper : TagHelper
{
    /// <summary>The form field (and action parameter) name.</summary>
    public const string Field = "SubmissionKey";

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = "input";
        output.TagMode = TagMode.SelfClosing;
        output.Attributes.SetAttribute("type", "hidden");
        output.Attributes.SetAttribute("name", Field);
        output.Attributes.SetAttribute("value", Guid.NewGuid().ToString("N"));
    }
}
