using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Webhooks;
using PyPyLeads.Submissions;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Request a presentation: a company asks the team to come and present, on the public invitation page (no account:
/// <see cref="RunFromInvitationPageAsync"/>) or through one of the team who took the request (<see cref="RunAsync"/>).
/// The same rules either way: the request attaches to the company the duplicate rules find, or to a new one, and goes
/// on its timeline. One of the team enters it for a new or unassigned company, or one of their consultancy's (admins
/// for any: <see cref="CompanyAccess"/>); the public page for any company, since the company itself asks.
/// Returns <see cref="Done{T}"/> of <see cref="Requested"/>, <see cref="Invalid"/> or <see cref="NotAllowed"/> (on the company name).
/// </summary>
public sealed class RequestPresentation(LeadsDbContext db, IValidator<RequestPresentation.Input> validator, TimeProvider clock, SubmissionStore submissions)
{
    public sealed record Input(
        string? CompanyName, string? WebDomain, string? ContactName, string? ContactEmail, string? Address, string? City,
        string? PreferredDates, int? AudienceSize, IReadOnlyList<Topics> Topics, string? OtherTopics, string? ConvinceManagement) : IRequestDetails
    {
        /// <summary>The form's one-time key: sent again, it creates nothing more (see <see cref="SubmissionStore"/>).</summary>
        public string? SubmissionKey { get; init; }
    }

    public sealed record Requested(int Id, int CompanyId);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.CompanyName).NotEmpty().WithMessage("Enter your company's name.").MaximumLength(200).WithMessage("Use at most 200 characters.")
                .Must(RequestDetails.NoControlCharacters).WithMessage("Remove the control characters.");
            RuleFor(x => x.WebDomain).MaximumLength(253).WithMessage("Use at most 253 characters.")
                .Matches(@"^(https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/.*)?$").When(x => !string.IsNullOrWhiteSpace(x.WebDomain))
                .WithMessage("Enter a web address such as example.com.");
            this.AddRequestDetailsRules();
        }
    }

    /// <summary>Entered by one of the team: they are its creator and the timeline's actor.</summary>
    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        SaveAsync(input, Submission.By(caller, nameof(RequestPresentation), input.SubmissionKey), LeadSource.Other, caller, caller.Actor, viaPublicPage: false,
            $"Presentation requested by {input.ContactName?.Trim()}", details: null, cancellationToken);

    /// <summary>
    /// Sent by a visitor with no account. Nothing tells them whether the company was known already; the app records it
    /// (<see cref="Actor.System"/>), since nobody signed in did.
    /// </summary>
    public Task<Outcome> RunFromInvitationPageAsync(Input input, CancellationToken cancellationToken) =>
        SaveAsync(input, Submission.ByVisitor(InvitationPageForm, input.SubmissionKey), LeadSource.InvitationPage, caller: null, Actor.System, viaPublicPage: true,
            $"{input.ContactName?.Trim()} asked for a presentation through the invitation page",
            input.PreferredDates is { Length: > 0 } d ? "Preferred dates: " + d : null, cancellationToken);

    /// <summary>The public page's submissions are kept apart from the team's form.</summary>
    public const string InvitationPageForm = nameof(RequestPresentation) + ".InvitationPage";

    private Task<Outcome> SaveAsync(Input input, Submission? once, LeadSource source, Caller? caller, Actor actor, bool viaPublicPage, string summary, string? details,
        CancellationToken cancellationToken) =>
        submissions.OnceAsync<Requested>(once, () => SaveOnceAsync(input, once, source, caller, actor, viaPublicPage, summary, details, cancellationToken), cancellationToken);

    private async Task<Outcome> SaveOnceAsync(Input input, Submission? once, LeadSource source, Caller? caller, Actor actor, bool viaPublicPage, string summary,
        string? details, CancellationToken cancellationToken)
    {
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        // A company created by a simultaneous request trips the unique key: the second try finds it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await submissions.InTransactionAsync<Requested>(once, async ct =>
                {
                    var now = clock.GetUtcNow().UtcDateTime;
                    var userId = caller?.UserId;
                    var company = await RequestingCompany.FindOrCreateAsync(db, input.CompanyName!, input.WebDomain, input.City, source, now, userId, ct);
                    if (caller is not null && CompanyAccess.Refusal(caller, company.Name, company.ConsultancyId) is { } refused)
                    {
                        return refused;
                    }
                    var request = new PresentationRequest
                    {
                        Company = company, ContactName = "", ContactEmail = "", Status = PresentationStatus.Requested,
                        ViaPublicPage = viaPublicPage, CreatedAtUtc = now, CreatedByUserId = userId,
                    };
                    input.CopyTo(request);
                    db.PresentationRequests.Add(request);
                    await db.SaveChangesAsync(ct); // the timeline entry names the request by its id
                    db.Timeline.Add(TimelineEntry.For(company.Id, "presentation.requested", summary, details, actor, now, nameof(PresentationRequest), request.Id));
                    await db.RaiseWebhookAsync(WebhookEventTypes.PresentationRequested, new
                    {
                        requestId = request.Id, companyId = company.Id, company = company.Name, viaPublicPage, topics = request.Topics.ToString(),
                        otherTopics = request.OtherTopics, audienceSize = request.AudienceSize, city = request.City, preferredDates = request.PreferredDates,
                    }, now, ct);
                    await db.SaveChangesAsync(ct);
                    return new Done<Requested>(new(request.Id, company.Id));
                }, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
            }
        }
    }
}
