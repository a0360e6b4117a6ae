using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Intake;

/// <summary>
/// Attach a message waiting in triage (or dismissed) to a company: it goes on the company's timeline as if it had
/// matched, by the caller. Admins, and members on their consultancy's or unassigned companies (<see cref="CompanyAccess"/>).
/// Attaching it again to the company it is on already (a repeated post) changes nothing and answers done.
/// Returns <see cref="Done{T}"/> of <see cref="Attached"/>, <see cref="NotFound"/>, <see cref="NotAllowed"/>, <see cref="Invalid"/>
/// (on CompanyId) or <see cref="Conflict{T}"/> of <see cref="MailState"/> when someone else dealt with it meanwhile.
/// </summary>
public sealed class AttachMail(LeadsDbContext db)
{
    public sealed record Input(long MessageId, int? CompanyId, long Version);

    public sealed record Attached(long MessageId, int CompanyId, string Message);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (input.CompanyId is not { } companyId)
        {
            return new Invalid(nameof(Input.CompanyId), "Choose the company it belongs to.");
        }
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            if (await CompanyAccess.RefusalAsync(db, companyId, caller, ct) is { } refused)
            {
                return refused is NotFound ? new Invalid(nameof(Input.CompanyId), CompanyAccess.Gone) : refused;
            }
            var message = await db.IntakeMessages.Include(m => m.Attachments).SingleOrDefaultAsync(m => m.Id == input.MessageId, ct);
            if (message is null)
            {
                return new NotFound("That message does not exist.");
            }
            var company = await db.Companies.AsNoTracking().Where(c => c.Id == companyId).Select(c => c.Name).SingleAsync(ct);
            if (message.State == IntakeState.Filed && message.CompanyId == companyId)
            {
                return new Done<Attached>(new(message.Id, companyId, $"It is on {company}’s timeline."));
            }
            if (message.Version != input.Version || message.State == IntakeState.Filed)
            {
                return MailState.Stale(message);
            }
            message.State = IntakeState.Filed;
            message.CompanyId = companyId;
            message.DismissedAtUtc = null;
            // By the caller (the timeline says who filed it), dated when it was sent.
            db.Timeline.Add(ImportMail.Entry(message, companyId, caller.Actor));
            if (await db.SaveUnlessChangedAsync(async c => MailState.Stale(await db.IntakeMessages.AsNoTracking().SingleAsync(m => m.Id == input.MessageId, c)), ct) is { } stale)
            {
                return stale;
            }
            return new Done<Attached>(new(message.Id, companyId, $"Attached “{message.Subject}” to {company}."));
        }, cancellationToken);
    }
}

/// <summary>A message as it stands, for a page that was out of date.</summary>
public sealed record MailState(IntakeState State, int? CompanyId, long Version)
{
    public static Conflict<MailState> Stale(IntakeMessage message) => new(new(message.State, message.CompanyId, message.Version),
        message.State switch
        {
            IntakeState.Filed => "Someone filed this message on a company meanwhile: nothing was changed.",
            IntakeState.Dismissed => "Someone dismissed this message meanwhile: nothing was changed. Bring it back first.",
            _ => "Someone changed this message meanwhile: nothing was changed; check and send again.",
        });
}

/// <summary>
/// Dismiss a message in triage (not a lead: a newsletter, an out-of-office): it leaves the inbox but is kept, and can be
/// brought back (<see cref="RestoreMail"/>). Triage mail belongs to no consultancy, so anyone signed in may.
/// Returns <see cref="Done{T}"/> of string, <see cref="NotFound"/> or <see cref="Conflict{T}"/> of <see cref="MailState"/>.
/// </summary>
public sealed class DismissMail(LeadsDbContext db, TimeProvider clock)
{
    public Task<Outcome> RunAsync(long messageId, long version, Caller caller, CancellationToken cancellationToken) =>
        MailStates.MoveAsync(db, messageId, version, IntakeState.Triage, IntakeState.Dismissed, clock.GetUtcNow().UtcDateTime, "Dismissed", cancellationToken);
}

/// <summary>Bring a dismissed message back to the triage inbox. Anyone signed in may. Returns as <see cref="DismissMail"/>.</summary>
public sealed class RestoreMail(LeadsDbContext db)
{
    public Task<Outcome> RunAsync(long messageId, long version, Caller caller, CancellationToken cancellationToken) =>
        MailStates.MoveAsync(db, messageId, version, IntakeState.Dismissed, IntakeState.Triage, null, "Back in the triage inbox", cancellationToken);
}

internal static class MailStates
{
    public static Task<Outcome> MoveAsync(LeadsDbContext db, long messageId, long version, IntakeState from, IntakeState to, DateTime? dismissedAt, string done,
        CancellationToken cancellationToken) =>
        db.InTransactionAsync<Outcome>(async ct =>
        {
            var message = await db.IntakeMessages.SingleOrDefaultAsync(m => m.Id == messageId, ct);
            if (message is null)
            {
                return new NotFound("That message does not exist.");
            }
            if (message.State == to)
            {
                // A repeated post: already done.
                return new Done<string>($"{done}: “{message.Subject}”.");
            }
            if (message.State != from || message.Version != version)
            {
                return MailState.Stale(message);
            }
            message.State = to;
            message.DismissedAtUtc = dismissedAt;
            if (await db.SaveUnlessChangedAsync(async c => MailState.Stale(await db.IntakeMessages.AsNoTracking().SingleAsync(m => m.Id == messageId, c)), ct) is { } stale)
            {
                return stale;
            }
            return new Done<string>($"{done}: “{message.Subject}”.");
        }, cancellationToken);
}
