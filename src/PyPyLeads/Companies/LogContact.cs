using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.Webhooks;
using PyPyLeads.FollowUps;
using PyPyLeads.Submissions;
using PyPyLeads.Timeline;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Log a contact: one submit creates or reuses the company, creates or reuses the person, records the encounter with
/// its timeline entry, and schedules the follow-up asked for with it, all in one transaction. A new company that
/// matches an existing one (name or domain), or a new person who matches someone at the company (e-mail, or name),
/// is not created: the caller gets the matches to offer. A tour stop still ahead on the app's clock is refused unless
/// confirmed, with the stop they more likely mean. The unique keys in the database hold the same line when two
/// people submit at once; the loser gets what was saved meanwhile. A contact with an existing company is logged by
/// admins, and by members when the company is their consultancy's or unassigned (<see cref="CompanyAccess"/>).
/// Returns <see cref="Done{T}"/> of <see cref="Logged"/>, <see cref="Invalid"/> (also when the chosen company was
/// deleted meanwhile, or the follow-up's deadline moved), <see cref="DuplicatesFound{T}"/> of <see cref="CompanyMatch"/>
/// or of <see cref="PersonMatch"/>, <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="SavedMeanwhile"/>.
/// </summary>
public sealed class LogContact(LeadsDbContext db, IValidator<LogContact.Input> validator, FollowUpScheduler followUps, TimeProvider clock,
    SubmissionStore submissions, ILogger<LogContact> logger)
{
    public const string CompanyGone = "That company has been deleted meanwhile. Check the name and save again.";
    public const string PersonGone = "That person has been deleted meanwhile. Check the name and save again.";

    /// <summary>What the one short form sends. Ids carry an existing company or person once chosen.</summary>
    public sealed record Input
    {
        /// <summary>A tour stop's id; 0 for "not at a tour stop".</summary>
        public int? TourStopId { get; init; }
        /// <summary>"Yes, at that stop": asked for when the stop is still ahead on the app's clock.</summary>
        public bool ConfirmStopAhead { get; init; }
        public string? CompanyName { get; init; }
        public string? CompanyDomain { get; init; }
        /// <summary>An existing company chosen in the type-ahead (or offered as a match earlier).</summary>
        public int? CompanyId { get; init; }
        /// <summary>"Use this company" on a match offer: chosen, whatever the name typed.</summary>
        public int? UseCompanyId { get; init; }
        public string? PersonName { get; init; }
        public string? PersonRole { get; init; }
        public string? PersonEmail { get; init; }
        public string? PersonPhone { get; init; }
        public int? PersonId { get; init; }
        public int? UsePersonId { get; init; }
        /// <summary>"No, a different person": someone with the same name is already at the company.</summary>
        public bool NewPerson { get; init; }
        /// <summary>The users who met them.</summary>
        public IReadOnlyList<string> MetBy { get; init; } = [];
        public IReadOnlyList<Interests> Interests { get; init; } = [];
        public string? Note { get; init; }
        /// <summary>A follow-up to schedule with the contact; null for none.</summary>
        public FollowUpAsked? FollowUp { get; init; }
        /// <summary>The form's one-time key: sent again, it creates nothing more (see <see cref="SubmissionStore"/>).</summary>
        public string? SubmissionKey { get; init; }
    }

    /// <summary>
    /// The follow-up asked for with the contact. Its rules are the scheduler's; a refusal names the follow-up field as
    /// the follow-up fields do (<c>FollowUp.DueLocal</c>, <c>FollowUp.OwnerUserId</c>).
    /// </summary>
    public sealed record FollowUpAsked(string OwnerUserId, DateTime DueAtUtc, string? Note);

    /// <summary>Saved: the company to show next and the line that says what was logged.</summary>
    public sealed record Logged(int CompanyId, string Message);

    /// <summary>
    /// Someone saved the same company or person a moment ago: the company (when one was chosen) and person the input
    /// resolved to, and what now matches it, to offer as if it had been there before.
    /// </summary>
    public sealed record SavedMeanwhile(int? CompanyId, int? PersonId, IReadOnlyList<CompanyMatch> Companies, IReadOnlyList<PersonMatch> People);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(LeadsDbContext db)
        {
            RuleFor(x => x.TourStopId).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("Choose where you met them.")
                .MustAsync(async (id, ct) => id == 0 || await db.TourStops.AnyAsync(s => s.Id == id, ct)).WithMessage("Choose a tour stop from the list.");
            RuleFor(x => x.CompanyName).NotEmpty().When(x => x.CompanyId is null && x.UseCompanyId is null)
                .WithMessage("Enter the company's name.");
            RuleFor(x => x.CompanyName).SingleLine("Company", CompanyRules.Name);
            RuleFor(x => x.CompanyDomain).WebDomainShape();
            RuleFor(x => x.PersonName).SingleLine("Name", CompanyRules.PersonName);
            RuleFor(x => x.PersonName).NotEmpty()
                .When(x => x.PersonId is null && x.UsePersonId is null &&
                           (!string.IsNullOrWhiteSpace(x.PersonEmail) || !string.IsNullOrWhiteSpace(x.PersonRole) || !string.IsNullOrWhiteSpace(x.PersonPhone)))
                .WithMessage("Enter the person's name too.");
            RuleFor(x => x.PersonRole).SingleLine("Role", CompanyRules.Role);
            RuleFor(x => x.PersonEmail).EmailShape();
            RuleFor(x => x.PersonPhone).PhoneShape();
            RuleFor(x => x.MetBy)
                .Must(ids => MetBy(ids).Count > 0).WithMessage("Choose who met them.")
                .MustAsync(async (ids, ct) => MetBy(ids) is var chosen && (chosen.Count == 0 || await db.Users.CountAsync(u => chosen.Contains(u.Id), ct) == chosen.Count))
                .WithMessage("Choose people from the list.");
            RuleFor(x => x.Interests).Must(all => all.All(i => InterestNames.All.Any(known => known.Value == i)))
                .WithMessage("Choose what they are interested in from the list.");
            RuleFor(x => x.Note).MultiLine("Note", CompanyRules.EncounterNote);
        }
    }

    /// <summary>The users who met them, each once; an empty id is no one.</summary>
    private static List<string> MetBy(IEnumerable<string> ids) => ids.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToList();

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, nameof(LogContact), input.SubmissionKey);
        return submissions.OnceAsync<Logged>(once, () => LogAsync(input, caller, once, cancellationToken), cancellationToken);
    }

    private async Task<Outcome> LogAsync(Input input, Caller caller, Submission? once, CancellationToken cancellationToken)
    {
        var invalid = await validator.CheckAsync(input, cancellationToken);
        var notYet = input.ConfirmStopAhead ? null : await NotYetAsync(input.TourStopId, cancellationToken);
        if (invalid is not null || notYet is not null)
        {
            var errors = new List<FieldError>(invalid?.Errors ?? []);
            if (notYet is not null)
            {
                errors.Add(notYet);
            }
            return new Invalid(errors);
        }

        // The company: one chosen (type-ahead or a match's button), else a new one unless it matches.
        Company? company = null;
        if ((input.UseCompanyId ?? input.CompanyId) is { } chosenCompany)
        {
            company = await LiveCompanyAsync(chosenCompany, cancellationToken);
            if (company is null)
            {
                return new Invalid(nameof(Input.CompanyName), CompanyGone);
            }
            // Without script the hidden id stays when the name is retyped; a different name (than the chosen company's,
            // or than the one it was merged into since) means a different company.
            if (input.UseCompanyId is null && !string.IsNullOrWhiteSpace(input.CompanyName) && CompanyKeys.Name(input.CompanyName) is var typed
                && typed != company.NameKey
                && typed != await db.Companies.Where(c => c.Id == chosenCompany).Select(c => c.NameKey).SingleAsync(cancellationToken))
            {
                company = null;
            }
        }
        if (company is not null && CompanyAccess.Refusal(caller, company.Name, company.ConsultancyId) is { } refused)
        {
            return refused;
        }
        if (company is null)
        {
            var matches = await CompanyMatching.FindAsync(db, input.CompanyName, input.CompanyDomain, cancellationToken: cancellationToken);
            if (matches.Count > 0)
            {
                return new DuplicatesFound<CompanyMatch>(matches, nameof(Input.CompanyName), matches.Count == 1
                    ? $"“{matches[0].Name}” is already here ({matches[0].Reason}). Use it, or change the name."
                    : "These companies are already here. Use one of them, or change the name and domain.");
            }
        }

        // The person: one chosen, else new unless the company already has them (same e-mail; same name unless told otherwise).
        Person? person = null;
        if ((input.UsePersonId ?? input.PersonId) is { } chosenPerson && company is not null)
        {
            person = await db.People.AsNoTracking()
                .SingleOrDefaultAsync(p => p.Id == chosenPerson && p.CompanyId == company.Id && p.DeletedAtUtc == null, cancellationToken);
            if (person is not null && input.UsePersonId is null && !string.IsNullOrWhiteSpace(input.PersonName)
                && CompanyKeys.PersonName(input.PersonName) != CompanyKeys.PersonName(person.Name))
            {
                person = null;
            }
        }
        var personName = person?.Name ?? input.PersonName;
        var hasPerson = !string.IsNullOrWhiteSpace(personName);
        if (person is null && hasPerson && company is not null)
        {
            var matches = await PersonMatching.FindAsync(db, company.Id, company.Name, personName, input.PersonEmail, input.NewPerson, cancellationToken);
            if (matches.Count > 0)
            {
                var byEmail = matches.FirstOrDefault(m => m.ByEmail);
                return byEmail is not null
                    ? new DuplicatesFound<PersonMatch>(matches, nameof(Input.PersonEmail), $"{byEmail.Name} at {company.Name} has this e-mail address. Use them, or correct the address.")
                    : new DuplicatesFound<PersonMatch>(matches, nameof(Input.PersonName), $"Someone called {matches[0].Name} is already at {company.Name}. Is it them?");
            }
        }

        // Once checked, the contact is saved whole, follow-up included, even if the phone that sent it loses its
        // connection meanwhile: with the caller's token a dropped connection would roll the contact back.
        var saving = CancellationToken.None;
        try
        {
            FollowUp? followUp = null;
            var outcome = await submissions.InTransactionAsync<Logged>(once, async ct =>
            {
                var result = await SaveAsync(input, company?.Id, person?.Id, caller, ct);
                if (result is not Saved saved)
                {
                    return result;
                }
                followUp = saved.FollowUp;
                return new Done<Logged>(new(saved.CompanyId, saved.Summary + (followUp is null ? "" : " A follow-up is scheduled.")));
            }, saving);
            if (followUp is not null)
            {
                // After the commit: a job for a row not yet committed could run and find nothing.
                await followUps.ScheduleJobAsync(followUp, saving);
            }
            return outcome;
        }
        catch (FollowUpRuleException ex)
        {
            // The follow-up's rules were met when the caller checked them; the deadline moved in between. Nothing is saved.
            db.ChangeTracker.Clear();
            return new Invalid(nameof(Input.FollowUp) + "." + ex.Field, ex.Message);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Someone saved the same company (or person) a moment ago: offer theirs, as if it had been there before.
            db.ChangeTracker.Clear();
            logger.LogInformation("Log a contact lost a race for {Company}; offering the company saved meanwhile", input.CompanyName);
            var companies = company is null
                ? await CompanyMatching.FindAsync(db, input.CompanyName, input.CompanyDomain, cancellationToken: cancellationToken)
                : [];
            var people = company is not null && hasPerson
                ? await PersonMatching.FindAsync(db, company.Id, company.Name, personName, input.PersonEmail, input.NewPerson, cancellationToken)
                : [];
            return new Conflict<SavedMeanwhile>(new(company?.Id, person?.Id, companies, people), companies.Count > 0
                ? $"Someone else saved “{companies[0].Name}” a moment ago, while you were typing. Nothing was saved twice: use theirs, or change the name."
                : "Someone else saved this person a moment ago, while you were typing. Use theirs, or change the details.");
        }
    }

    /// <summary>A stop still ahead on the app's clock cannot be where they met, unless the caller says so: a slip of the list.</summary>
    private async Task<FieldError?> NotYetAsync(int? stopId, CancellationToken cancellationToken)
    {
        if (stopId is not > 0)
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var stops = await db.TourStops.AsNoTracking().ToListAsync(cancellationToken);
        return stops.FirstOrDefault(s => s.Id == stopId) is { } stop && TourSchedule.IsAhead(stop, now)
            ? new FieldError(nameof(Input.TourStopId), TourSchedule.NotYet(stop, TourSchedule.CurrentOrLatest(stops, now)))
            : null;
    }

    /// <summary>What the transaction saved; the follow-up's job is scheduled after the commit.</summary>
    private sealed record Saved(int CompanyId, string Summary, FollowUp? FollowUp) : Outcome;

    private async Task<Outcome> SaveAsync(Input input, int? companyId, int? personId, Caller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var actor = caller.Actor;
        var stop = input.TourStopId is > 0 ? await db.TourStops.AsNoTracking().SingleAsync(s => s.Id == input.TourStopId, cancellationToken) : null;

        Company company;
        if (companyId is not null)
        {
            company = await db.Companies.SingleAsync(c => c.Id == companyId, cancellationToken);
            if (company.DeletedAtUtc is not null)
            {
                return new Invalid(nameof(Input.CompanyName), CompanyGone);
            }
            if (CompanyAccess.Refusal(caller, company.Name, company.ConsultancyId) is { } refused)
            {
                return refused; // reassigned since the check above
            }
        }
        else
        {
            company = new Company
            {
                Name = input.CompanyName!.Trim(), NameKey = CompanyKeys.Name(input.CompanyName),
                WebDomain = CompanyRules.Clean(input.CompanyDomain), DomainKey = CompanyKeys.Domain(input.CompanyDomain),
                Source = stop is null ? LeadSource.Other : LeadSource.TourStop, SourceTourStopId = stop?.Id,
                CreatedAtUtc = now, CreatedByUserId = caller.UserId,
            };
            db.Companies.Add(company);
        }

        Person? person = null;
        var personIsNew = false;
        List<FieldChange> personChanges = [];
        if (personId is not null)
        {
            person = await db.People.SingleAsync(p => p.Id == personId, cancellationToken);
            if (person.DeletedAtUtc is not null || person.CompanyId != company.Id)
            {
                return new Invalid(nameof(Input.PersonName), PersonGone);
            }
            // What they told us this time fills what we did not know; nothing known is overwritten.
            personChanges = CompanyTimeline.Changes(
                ("Role", person.Role, person.Role ?? CompanyRules.Clean(input.PersonRole)),
                ("E-mail", person.Email, person.Email ?? CompanyRules.Clean(input.PersonEmail)),
                ("Phone", person.Phone, person.Phone ?? CompanyRules.Clean(input.PersonPhone)));
            person.Role ??= CompanyRules.Clean(input.PersonRole);
            if (person.Email is null && CompanyRules.Clean(input.PersonEmail) is { } email)
            {
                person.Email = email;
                person.EmailKey = CompanyKeys.Email(email);
            }
            person.Phone ??= CompanyRules.Clean(input.PersonPhone);
        }
        else if (!string.IsNullOrWhiteSpace(input.PersonName))
        {
            person = new Person
            {
                Company = company, Name = input.PersonName.Trim(), Role = CompanyRules.Clean(input.PersonRole),
                Email = CompanyRules.Clean(input.PersonEmail), EmailKey = CompanyKeys.Email(input.PersonEmail),
                Phone = CompanyRules.Clean(input.PersonPhone), CreatedAtUtc = now,
            };
            db.People.Add(person);
            personIsNew = true;
        }

        await db.SaveChangesAsync(cancellationToken); // company and person ids, or the unique keys refuse

        var metByIds = MetBy(input.MetBy);
        var interests = input.Interests.Aggregate(Interests.None, (all, i) => all | i);
        var encounter = new Encounter
        {
            CompanyId = company.Id, PersonId = person?.Id, TourStopId = stop?.Id,
            MetAtUtc = now, Interests = interests, Note = CompanyRules.Clean(input.Note), CreatedByUserId = caller.UserId,
            MetBy = metByIds.Select(id => new EncounterAttendee { UserId = id }).ToList(),
        };
        db.Encounters.Add(encounter);
        await db.SaveChangesAsync(cancellationToken);

        if (companyId is null)
        {
            db.Timeline.Add(TimelineEntry.For(company.Id, CompanyTimeline.CompanyCreated,
                $"{actor.Name} added this company", stop is null ? "While logging a contact." : $"While logging a contact at the {stop.Name}.", actor, now, "Company", company.Id));
            await db.RaiseWebhookAsync(WebhookEventTypes.CompanyCreated, WebhookPayloads.CompanyCreated(company, actor.Name), now, cancellationToken);
        }
        if (personChanges.Count > 0)
        {
            db.Timeline.Add(TimelineEntry.For(company.Id, CompanyTimeline.PersonEdited,
                $"{actor.Name} added {CompanyTimeline.ListFields(personChanges)} for {person!.Name}", CompanyTimeline.Describe(personChanges), actor, now, "Person", person.Id));
        }
        var metBy = await db.Users.AsNoTracking().Where(u => metByIds.Contains(u.Id)).OrderBy(u => u.DisplayName).Select(u => u.DisplayName).ToListAsync(cancellationToken);
        var who = person is null ? $"someone from {company.Name}" : person.Name + (person.Role is null ? "" : $" ({person.Role})") + (personIsNew ? ", new contact," : "");
        var where = stop is null ? "(not at a tour stop)" : $"at the {stop.Name}";
        var details = $"Met by {string.Join(", ", metBy)}\nInterested in: {InterestNames.Describe(interests)}" + (encounter.Note is null ? "" : "\n\n" + encounter.Note);
        db.Timeline.Add(TimelineEntry.For(company.Id, CompanyTimeline.Encounter, $"Met {who} {where}", details, actor, now, "Encounter", encounter.Id));
        await db.SaveChangesAsync(cancellationToken);

        // Staged after the contact's entries, so the timeline shows the encounter first; a refusal rolls everything back.
        FollowUp? followUp = null;
        if (input.FollowUp is { } asked)
        {
            followUp = await followUps.StageAsync(new NewFollowUp(company.Id, asked.OwnerUserId, asked.DueAtUtc, asked.Note), actor, cancellationToken);
            await followUps.SaveAsync(cancellationToken);
        }
        await SearchIndex.RefreshAsync(db, [company.Id], cancellationToken);
        return new Saved(company.Id, $"Logged: met {who.TrimEnd(',')} {where}.", followUp);
    }

    /// <summary>The live company an id leads to: a company merged away leads to the one it was merged into.</summary>
    private async Task<Company?> LiveCompanyAsync(int id, CancellationToken cancellationToken)
    {
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        for (var hops = 0; company?.MergedIntoCompanyId is { } into && hops < 10; hops++)
        {
            company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == into, cancellationToken);
        }
        return company is { DeletedAtUtc: null } ? company : null;
    }
}
